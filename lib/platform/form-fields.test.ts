import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emailField, listField, optionalField } from './form-fields';
import { inviteSchema } from '@/lib/identity/members/invitations';
import { forgotPasswordSchema } from '@/lib/identity/auth/passwords';
import { createCustomerSchema } from '@/lib/product/customers/schema';

const messages = (result: { success: boolean; error?: z.ZodError }) => result.error?.issues.map((issue) => issue.message) ?? [];

describe('form fields', () => {
  it('emailField: one message at a time, the empty one saying what to enter', () => {
    const email = emailField();
    expect(messages(email.safeParse(''))).toEqual(['Enter an email address.']);
    expect(messages(email.safeParse('   '))).toEqual(['Enter an email address.']);
    expect(messages(email.safeParse(undefined))).toEqual(['Enter an email address.']);
    expect(messages(email.safeParse('not-an-email'))).toEqual(['Enter a valid email address.']);
    expect(messages(email.safeParse(`${'a'.repeat(320)}@x.test`))).toEqual(['That address is too long.']);
    expect(email.parse(' Ops@Acme.TEST ')).toBe('ops@acme.test');
    // The forms that use it: one error for an empty address.
    expect(messages(inviteSchema.pick({ email: true }).safeParse({ email: '' }))).toEqual(['Enter an email address.']);
    expect(messages(forgotPasswordSchema.safeParse({ email: '' }))).toEqual(['Enter your email address.']);
    expect(messages(createCustomerSchema.pick({ contactEmail: true }).safeParse({ contactEmail: '' }))).toEqual(['Enter a contact email address.']);
  });

  it('optionalField: blank is absent; anything else goes to the schema', () => {
    const days = optionalField(z.coerce.number<string | number>().int().min(1));
    expect(days.parse('')).toBeUndefined();
    expect(days.parse('  ')).toBeUndefined();
    expect(days.parse(undefined)).toBeUndefined();
    expect(days.parse('30')).toBe(30);
    expect(days.safeParse('0').success).toBe(false);
    expect(optionalField(z.enum(['team', 'enterprise'])).safeParse('platinum').success).toBe(false);
  });

  it('listField: nothing ticked is an empty list, one ticked box a list of one', () => {
    const ids = listField(z.array(z.string()));
    expect(ids.parse(undefined)).toEqual([]);
    expect(ids.parse('a')).toEqual(['a']);
    expect(ids.parse(['a', 'b'])).toEqual(['a', 'b']);
    expect(listField(z.array(z.string()).min(1, 'Choose one.')).safeParse(undefined).error?.issues[0]?.message).toBe('Choose one.');
  });
});
