import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { createRepository, grantRepository } from '@/lib/product/registry/repositories';
import { verifyRegistryCredentials } from '@/lib/product/registry/credentials';
import { mintToken } from '@/lib/product/registry/tokens';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createCustomer, deactivateCustomer, getCustomer, reactivateCustomer, updateCustomer } from './customers';
import { listCustomers, parseCustomerQuery } from './list-customers';
import { resolveCustomer } from './resolve-customer';
import { TIER_IS_BILLING } from './schema';
import { DAY } from '@/lib/platform/time';

const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

async function auditCount(orgId: string) {
  return prisma.auditEvent.count({ where: { orgId } });
}

describe('creating a customer', () => {
  it('stores every field, derives the slug from the name and audits it', async () => {
    const { actor } = await createStaff('staff-admin');
    const name = `Acme Corp ${uniqueSlug('x')}`;
    const org = await createCustomer(actor, {
      name,
      contactEmail: ' Ops@Acme.TEST ',
      tier: 'enterprise',
      licenseExpiresAt: isoDay(30),
      kubernetesVersion: '1.31',
      productVersion: '4.2.0',
      namespace: 'acme-prod',
      notes: 'Signed in Q3.',
    });
    expect(org).toMatchObject({ name, slug: name.toLowerCase().replace(/ /g, '-'), contactEmail: 'ops@acme.test', tier: 'enterprise', manualTier: 'enterprise', status: 'active', namespace: 'acme-prod' });
    expect(org.licenseExpiresAt?.toISOString()).toBe(`${isoDay(30)}T23:59:59.999Z`);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'customer.create', orgId: org.id } });
    expect(event).toMatchObject({ actorLabel: actor.label, targetId: org.id, after: expect.objectContaining({ tier: 'enterprise', manualTier: 'enterprise', notes: 'Signed in Q3.' }) });
    // What staff entered, not the whole row.
    for (const key of ['id', 'createdAt', 'updatedAt', 'deactivatedAt']) expect(event.after).not.toHaveProperty(key);
    expect(await resolveCustomer(prisma, name)).toMatchObject({ id: org.id });
    expect(await resolveCustomer(prisma, org.slug.toUpperCase())).toMatchObject({ id: org.id });
  });

  it('refuses bad input with a clear message and writes nothing', async () => {
    const { actor } = await createStaff('staff-admin');
    const taken = await createOrg();
    const slug = uniqueSlug('bad');
    const base = { name: 'Bad Input Inc', slug, contactEmail: `ops@${slug}.test` };

    await expect(createCustomer(actor, { ...base, slug: taken.slug })).rejects.toThrow(`The slug "${taken.slug}" is already used by ${taken.name}`);
    await expect(createCustomer(actor, { ...base, licenseExpiresAt: isoDay(-1) })).rejects.toThrow('The license expiry must be today or later.');
    await expect(createCustomer(actor, { ...base, licenseExpiresAt: '2027-02-30' })).rejects.toThrow('Use a date such as 2027-06-30');
    await expect(createCustomer(actor, { ...base, name: '   ' })).rejects.toThrow("Enter the customer's name.");
    await expect(createCustomer(actor, { ...base, name: 'x'.repeat(101) })).rejects.toThrow('Use at most 100 characters.');
    await expect(createCustomer(actor, { ...base, contactEmail: 'not-an-email' })).rejects.toThrow('Enter a valid email address');
    await expect(createCustomer(actor, { ...base, contactEmail: '' })).rejects.toThrow('Enter a contact email address.');
    await expect(createCustomer(actor, { ...base, slug: 'Not A Slug!' })).rejects.toThrow('Use lowercase letters, digits and single dashes');
    await expect(createCustomer(actor, { ...base, slug: undefined, name: '!!!' })).rejects.toThrow('The name gives no usable slug');
    await expect(createCustomer(actor, { ...base, tier: 'platinum' as never })).rejects.toThrow('Choose a tier');
    await expect(createCustomer(actor, { ...base, namespace: 'Prod_NS' })).rejects.toThrow('Kubernetes namespace');
    await expect(resolveCustomer(prisma, `nobody-${slug}`)).rejects.toBeInstanceOf(NotFoundError);

    expect(await prisma.organization.count({ where: { OR: [{ slug }, { contactEmail: base.contactEmail }] } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { actorLabel: actor.label } })).toBe(0);
  });

  it('refuses a name another customer has (any case or spacing) as a field error, on create and rename, and audits nothing', async () => {
    const { actor } = await createStaff('staff-admin');
    const name = `Twin Corp ${uniqueSlug('n')}`;
    const first = await createCustomer(actor, { name, contactEmail: 'ops@twin.test' });
    const slug = uniqueSlug('twin');
    const shouted = `  ${name.toUpperCase().replace(' ', '   ')} `;
    const refused = createCustomer(actor, { name: shouted, slug, contactEmail: 'ops@twin.test' });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ field: 'name', message: `Another customer is already called "${name}" (${first.slug}). Choose a name people can tell apart.` });
    expect(await prisma.organization.count({ where: { slug } })).toBe(0);

    const other = await createCustomer(actor, { name: `Other ${slug}`, slug, contactEmail: 'ops@twin.test' });
    const auditsBefore = await auditCount(other.id);
    await expect(updateCustomer(actor, other.id, { name: name.toLowerCase() })).rejects.toMatchObject({ field: 'name' });
    expect(await auditCount(other.id)).toBe(auditsBefore);
    expect(await prisma.organization.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ name: `Other ${slug}` });
    // A customer may change the case of its own name.
    expect(await updateCustomer(actor, first.id, { name: name.toUpperCase() })).toMatchObject({ name: name.toUpperCase() });
  });

  it('starts on a paid tier only as a manual tier, which needs billing.manage; Community stays unpinned', async () => {
    const support = await createStaff('staff-support');
    const slug = uniqueSlug('start');
    await expect(createCustomer(support.actor, { name: 'Paid Start', slug, contactEmail: `ops@${slug}.test`, tier: 'team' })).rejects.toThrow(
      /Starting a customer on Team sets a manual tier, which needs the billing permission/,
    );
    expect(await prisma.organization.count({ where: { slug } })).toBe(0);
    expect(await createCustomer(support.actor, { name: `Free Start ${slug}`, slug, contactEmail: `ops@${slug}.test` })).toMatchObject({ tier: 'community', manualTier: null });
  });

  it('is refused to staff without customers.create and to customers', async () => {
    const billing = await createStaff('staff-billing');
    const member = await createMember((await createOrg()).id, 'owner');
    for (const actor of [billing.actor, member.actor]) {
      await expect(createCustomer(actor, { name: 'Nope', contactEmail: 'a@b.test' })).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it('refuses an ambiguous name when resolving', async () => {
    const name = `Twin ${uniqueSlug()}`;
    await createOrg({ name });
    await createOrg({ name });
    await expect(resolveCustomer(prisma, name)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('editing a customer', () => {
  it('changes and clears fields, audits only what changed', async () => {
    const { actor } = await createStaff('staff-support');
    const org = await createCustomer(actor, { name: `Edit ${uniqueSlug()}`, contactEmail: 'a@edit.test', namespace: 'ns-one' });
    const updated = await updateCustomer(actor, org.id, { name: `${org.name} Ltd`, namespace: '', contactEmail: 'a@edit.test' });
    expect(updated).toMatchObject({ name: `${org.name} Ltd`, namespace: null, contactEmail: 'a@edit.test' });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'customer.update', orgId: org.id } });
    expect(event.before).toEqual({ name: org.name, namespace: 'ns-one' });
    expect(event.after).toEqual({ name: `${org.name} Ltd`, namespace: null });

    const count = await auditCount(org.id);
    await updateCustomer(actor, org.id, { name: `${org.name} Ltd` });
    expect(await auditCount(org.id)).toBe(count);
    // The tier is billing's (setManualTier): refused here, not silently dropped.
    await expect(updateCustomer(actor, org.id, { tier: 'team' } as never)).rejects.toThrow(TIER_IS_BILLING);
    expect(await auditCount(org.id)).toBe(count);
    await expect(updateCustomer(actor, org.id, { licenseExpiresAt: isoDay(-3) })).rejects.toThrow('today or later');
    // An expiry that has passed since may be kept while editing something else.
    const lapsed = await prisma.organization.update({ where: { id: org.id }, data: { licenseExpiresAt: new Date(`${isoDay(-10)}T23:59:59.999Z`) } });
    expect(await updateCustomer(actor, org.id, { licenseExpiresAt: isoDay(-10), notes: 'renewal pending' })).toMatchObject({
      licenseExpiresAt: lapsed.licenseExpiresAt,
      notes: 'renewal pending',
    });
    await expect(updateCustomer(actor, org.id, { name: '' })).rejects.toThrow("Enter the customer's name.");
    const billing = await createStaff('staff-billing');
    await expect(updateCustomer(billing.actor, org.id, { notes: 'billing was here' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ tier: 'community', manualTier: null, notes: 'renewal pending' });
  });
});

describe('deactivating a customer', () => {
  it('revokes every live token in the same change, for staff-admin only', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const org = await createCustomer(admin.actor, { name: `Deact ${uniqueSlug()}`, contactEmail: 'a@deact.test' });
    const repository = await createRepository(admin.actor, { name: `vendor/${uniqueSlug('deact')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });
    await grantRepository(admin.actor, org.id, repository.id);
    const minted = await Promise.all([1, 2].map((n) => mintToken(support.actor, { orgId: org.id, name: `t${n}`, repositoryIds: [repository.id] })));

    await expect(deactivateCustomer(support.actor, org.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await verifyRegistryCredentials(prisma, org.slug, minted[0]!.token)).ok).toBe(true);

    const result = await deactivateCustomer(admin.actor, org.id, 'contract ended');
    expect(result).toMatchObject({ customer: { status: 'deactivated' }, tokensRevoked: 2 });
    for (const { token } of minted) expect(await verifyRegistryCredentials(prisma, org.slug, token)).toMatchObject({ ok: false, reason: 'revoked' });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'customer.deactivate', orgId: org.id } });
    expect(event.metadata).toEqual({ reason: 'contract ended', tokensRevoked: 2 });
    expect(await prisma.auditEvent.count({ where: { action: 'token.revoke_all', orgId: org.id } })).toBe(1);
    await expect(deactivateCustomer(admin.actor, org.id)).rejects.toThrow('already deactivated');
    await expect(mintToken(admin.actor, { orgId: org.id, name: 'after', repositoryIds: [repository.id] })).rejects.toBeInstanceOf(ConflictError);

    await reactivateCustomer(admin.actor, org.id);
    expect(await verifyRegistryCredentials(prisma, org.slug, minted[0]!.token)).toMatchObject({ ok: false, reason: 'revoked' });
    expect((await getCustomer(admin.actor, org.slug)).status).toBe('active');
  });
});

describe('listing customers', () => {
  it('searches, filters, sorts and pages in the database', async () => {
    const { actor } = await createStaff('staff-billing');
    const tag = uniqueSlug('list');
    const make = (suffix: string, data: object) =>
      prisma.organization.create({ data: { name: `${tag} ${suffix}`, slug: `${tag}-${suffix}`, contactEmail: `ops@${suffix}.test`, ...data } });
    await make('a', { tier: 'enterprise', licenseExpiresAt: new Date(Date.now() + 5 * DAY) });
    await make('b', { tier: 'team', licenseExpiresAt: new Date(Date.now() + 20 * DAY) });
    await make('c', { tier: 'enterprise', licenseExpiresAt: new Date(Date.now() - DAY), status: 'deactivated' });
    await make('d', { tier: 'community' });

    const list = (params: Record<string, string>) => listCustomers(actor, parseCustomerQuery({ q: tag, ...params }));
    expect((await list({})).total).toBe(4);
    expect((await list({ tier: 'enterprise' })).rows.map((r) => r.slug)).toEqual([`${tag}-a`, `${tag}-c`]);
    expect((await list({ expiry: '7d' })).rows.map((r) => r.slug)).toEqual([`${tag}-a`]);
    expect((await list({ expiry: '30d' })).rows.map((r) => r.slug)).toEqual([`${tag}-a`, `${tag}-b`]);
    expect((await list({ expiry: 'expired' })).rows.map((r) => r.slug)).toEqual([`${tag}-c`]);
    expect((await list({ expiry: 'none' })).rows.map((r) => r.slug)).toEqual([`${tag}-d`]);
    expect((await list({ status: 'deactivated' })).rows.map((r) => r.slug)).toEqual([`${tag}-c`]);
    expect((await list({ sort: 'licenseExpiresAt', dir: 'desc' })).rows.map((r) => r.slug)).toEqual([`${tag}-d`, `${tag}-b`, `${tag}-a`, `${tag}-c`]);
    expect((await list({ sort: 'licenseExpiresAt', dir: 'asc' })).rows.map((r) => r.slug)).toEqual([`${tag}-c`, `${tag}-a`, `${tag}-b`, `${tag}-d`]);
    // By tier rank, not alphabetically (which would put Team last), and paged across tiers exactly.
    const slugs = async (params: Record<string, string>) => (await list(params)).rows.map((r) => r.slug.slice(tag.length + 1));
    expect(await slugs({ sort: 'tier', dir: 'asc' })).toEqual(['d', 'b', 'a', 'c']);
    expect(await slugs({ sort: 'tier', dir: 'desc' })).toEqual(['a', 'c', 'b', 'd']);
    const pages = await Promise.all(['1', '2', '3'].map((page) => slugs({ sort: 'tier', dir: 'asc', pageSize: '1', page })));
    expect(pages).toEqual([['d'], ['b'], ['a']]);
    expect(await slugs({ sort: 'tier', dir: 'desc', pageSize: '3', page: '2' })).toEqual(['d']);
    expect((await list({ sort: 'tier', pageSize: '1' })).total).toBe(4);
    const page2 = await list({ pageSize: '10', page: '1', sort: 'name', dir: 'desc' });
    expect(page2.rows[0]!.slug).toBe(`${tag}-d`);
    expect((await listCustomers(actor, parseCustomerQuery({ q: 'OPS@B.TEST' }))).rows.some((r) => r.slug === `${tag}-b`)).toBe(true);
    // Unknown filter values are ignored rather than failing.
    expect((await list({ tier: 'platinum', expiry: 'soon' })).total).toBe(4);

    const member = await createMember((await createOrg()).id, 'owner');
    await expect(listCustomers(member.actor, parseCustomerQuery({}))).rejects.toBeInstanceOf(ForbiddenError);
  });
});
