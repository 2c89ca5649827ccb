import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { initialTier } from '@/lib/product/billing/staff';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, ValidationError } from '@/lib/platform/errors';
import { announceRegistryChange } from '@/lib/product/registry/credentials';
import { revokeAllTokens } from '@/lib/product/registry/tokens';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { createCustomerSchema, customerNameKey, LICENSE_EXPIRY_PAST, slugify, updateCustomerSchema, type CreateCustomerInput, type UpdateCustomerInput } from './schema';
import { syncPlanGrants } from '@/lib/product/registry/plans';

/** Customers are organizations; staff create, edit, deactivate and reactivate them. */

const customerFields = {
  id: true,
  name: true,
  slug: true,
  contactEmail: true,
  tier: true,
  manualTier: true,
  status: true,
  licenseExpiresAt: true,
  kubernetesVersion: true,
  productVersion: true,
  namespace: true,
  notes: true,
  deactivatedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** Refuses a name another customer already has; the advisory lock makes two racing creates (or renames) take turns. */
async function assertNameFree(tx: Db, name: string, exceptId = '') {
  const key = customerNameKey(name);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`customer-name:${key}`}))`;
  const [taken] = await tx.$queryRaw<{ name: string; slug: string }[]>`
    SELECT name, slug FROM organizations
    WHERE lower(regexp_replace(btrim(name), '[[:space:]]+', ' ', 'g')) = ${key} AND id <> ${exceptId}
    LIMIT 1`;
  if (taken) throw new ConflictError(`Another customer is already called "${taken.name}" (${taken.slug}). Choose a name people can tell apart.`, 'name');
}

async function assertSlugFree(tx: Db, slug: string) {
  const taken = await tx.organization.findUnique({ where: { slug }, select: { name: true } });
  if (taken) throw new ConflictError(`The slug "${slug}" is already used by ${taken.name}. Choose another.`, 'slug');
}

export async function createCustomer(actor: Actor, input: CreateCustomerInput) {
  assertStaffPermission(actor, 'customers.create');
  const data = createCustomerSchema.parse(input);
  const tier = initialTier(actor, data.tier);
  const slug = data.slug ?? slugify(data.name);
  if (slug.length < 2) {
    throw ValidationError.field('slug', 'The name gives no usable slug; enter one (lowercase letters, digits and dashes).');
  }
  return prisma.$transaction(async (tx) => {
    await assertNameFree(tx, data.name);
    await assertSlugFree(tx, slug);
    try {
      const fields = { ...data, ...tier, slug };
      const org = await tx.organization.create({ data: fields, select: customerFields });
      // Plan grants of the initial tier (lib/product/registry/plans.ts), audited after the creation.
      const created = async () => syncPlanGrants(tx, org.id, org.tier, actor, 'customer created');
      // What staff entered, not the whole row; customers see it through lib/identity/audit/customer-view.ts (notes and the manual tier are staff-only).
      await recordAudit(tx, actor, { action: 'customer.create', target: { type: 'organization', id: org.id }, orgId: org.id, after: fields });
      await created();
      return org;
    } catch (error) {
      // Two creates racing for one slug: the unique index decides.
      if ((error as { code?: string }).code === 'P2002') throw new ConflictError(`The slug "${slug}" is already used. Choose another.`, 'slug');
      throw error;
    }
  });
}

/** Edits everything but the tier: that is billing's (setManualTier), which locks, audits with a reason and re-issues the license. */
export async function updateCustomer(actor: Actor, orgId: string, input: UpdateCustomerInput) {
  const data = updateCustomerSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'customers.update' });
    const changes = Object.fromEntries(Object.entries(data).filter(([key, value]) => value !== undefined && !sameValue(org[key as keyof typeof org], value)));
    if (Object.keys(changes).length === 0) return pick(org);
    if (changes.licenseExpiresAt instanceof Date && changes.licenseExpiresAt.getTime() <= Date.now()) {
      throw ValidationError.field('licenseExpiresAt', LICENSE_EXPIRY_PAST);
    }
    if (typeof changes.name === 'string') await assertNameFree(tx, changes.name, org.id);
    const after = await tx.organization.update({ where: { id: org.id }, data: changes, select: customerFields });
    await recordAudit(tx, actor, {
      action: 'customer.update',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      before: Object.fromEntries(Object.keys(changes).map((key) => [key, org[key as keyof typeof org]])),
      after: changes,
    });
    return after;
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function pick<T extends Record<string, unknown>>(org: T) {
  return Object.fromEntries(Object.keys(customerFields).map((key) => [key, org[key]])) as { [K in keyof typeof customerFields]: T[K & keyof T] };
}

const reasonSchema = z.string().trim().max(200, 'Keep the reason under 200 characters.').optional();

/**
 * Deactivation stops the customer at once: status deactivated, every live
 * token revoked in the same transaction (staff-admin only).
 */
export async function deactivateCustomer(actor: Actor, orgId: string, reason?: string) {
  const why = reasonSchema.parse(reason) || 'customer deactivated';
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'customers.deactivate' });
    if (org.status === 'deactivated') throw new ConflictError(`${org.name} is already deactivated.`);
    const now = new Date();
    const after = await tx.organization.update({ where: { id: org.id }, data: { status: 'deactivated', deactivatedAt: now }, select: customerFields });
    const { revoked } = await revokeAllTokens(actor, org.id, why, tx, now);
    await announceRegistryChange(tx, { kind: 'org', orgId: org.id });
    await recordAudit(tx, actor, {
      action: 'customer.deactivate',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      before: { status: org.status },
      after: { status: 'deactivated' },
      metadata: { reason: why, tokensRevoked: revoked },
    });
    return { customer: after, tokensRevoked: revoked };
  });
}

/** Reactivation restores the status only: revoked tokens stay revoked, new ones must be minted. */
export async function reactivateCustomer(actor: Actor, orgId: string) {
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'customers.deactivate' });
    if (org.status === 'active') throw new ConflictError(`${org.name} is already active.`);
    const after = await tx.organization.update({ where: { id: org.id }, data: { status: 'active', deactivatedAt: null }, select: customerFields });
    await announceRegistryChange(tx, { kind: 'org', orgId: org.id });
    await recordAudit(tx, actor, {
      action: 'customer.reactivate',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      before: { status: org.status },
      after: { status: 'active' },
    });
    return after;
  });
}

/** A customer's page header and overview: the record plus counts for the tabs. */
export async function getCustomer(actor: Actor, slug: string, now = new Date()) {
  const { org } = await authorizeOrg(prisma, actor, { slug }, { staff: 'customers.view' });
  const [activeTokens, repositoryGrants, checklistDone] = await Promise.all([
    prisma.registryToken.count({ where: { orgId: org.id, revokedAt: null, expiresAt: { gt: now } } }),
    prisma.repositoryGrant.count({ where: { orgId: org.id } }),
    prisma.onboardingItem.count({ where: { orgId: org.id, doneAt: { not: null } } }),
  ]);
  return { ...pick(org), counts: { activeTokens, repositoryGrants, checklistDone } };
}
export type CustomerDetail = Awaited<ReturnType<typeof getCustomer>>;
