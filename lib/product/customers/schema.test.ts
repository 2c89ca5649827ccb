import { describe, expect, it } from 'vitest';
import { createCustomerSchema, customerNameKey, customerOptions, endOfDay, slugify, updateCustomerSchema } from './schema';

describe('customer input', () => {
  it('derives slugs people can type', () => {
    expect(slugify('Acme Corp')).toBe('acme-corp');
    expect(slugify('  Société Générale, S.A. ')).toBe('societe-generale-s-a');
    expect(slugify('!!!')).toBe('');
    expect(slugify('x'.repeat(39) + ' y')).toBe('x'.repeat(39));
  });

  it('compares names without case or spacing, and tells apart customers that already share one by their slug', () => {
    expect(customerNameKey('  ACME \t corp ')).toBe(customerNameKey('Acme Corp'));
    expect(customerOptions([
      { name: 'Acme Corp', slug: 'acme' },
      { name: 'acme  corp', slug: 'acme-eu' },
      { name: 'Globex', slug: 'globex' },
    ])).toEqual([
      { value: 'acme', label: 'Acme Corp (acme)' },
      { value: 'acme-eu', label: 'acme  corp (acme-eu)' },
      { value: 'globex', label: 'Globex' },
    ]);
  });

  it('reads a license expiry as the end of that day, UTC, and refuses impossible dates', () => {
    expect(endOfDay('2030-02-28')?.toISOString()).toBe('2030-02-28T23:59:59.999Z');
    expect(endOfDay('2030-02-30')).toBeNull();
    expect(endOfDay('30/12/2030')).toBeNull();
    expect(endOfDay(new Date('2030-05-01T08:00:00Z'))?.toISOString()).toBe('2030-05-01T23:59:59.999Z');
  });

  it('treats empty optional form fields as not given on create and as cleared on edit', () => {
    const created = createCustomerSchema.parse({ name: 'Acme', contactEmail: 'A@B.TEST', namespace: '', licenseExpiresAt: '', slug: '' });
    expect(created).toMatchObject({ name: 'Acme', contactEmail: 'a@b.test', tier: 'community' });
    expect(created.namespace).toBeUndefined();
    expect(created.slug).toBeUndefined();
    expect(updateCustomerSchema.parse({ namespace: '', notes: '  ' })).toMatchObject({ namespace: null, notes: null });
  });

  it('gives a field-named message for each bad input', () => {
    const result = createCustomerSchema.safeParse({ name: '', contactEmail: 'nope', tier: 'gold', slug: '-bad-', kubernetesVersion: 'latest' });
    expect(result.success).toBe(false);
    const messages = Object.fromEntries(result.error!.issues.map((issue) => [issue.path.join('.'), issue.message]));
    expect(messages).toEqual({
      name: "Enter the customer's name.",
      contactEmail: 'Enter a valid email address, e.g. ops@acme.com.',
      tier: 'Choose a tier: community, team, enterprise.',
      slug: 'Use lowercase letters, digits and single dashes, starting and ending with a letter or digit.',
      kubernetesVersion: 'Use a version such as 1.31 or v1.31.2.',
    });
  });
});
