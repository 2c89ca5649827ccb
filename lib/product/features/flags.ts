import 'server-only';
import { z } from 'zod';
import { optionalField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { FEATURE_KEY_PATTERN, isKnownFeature } from '@/lib/plans/catalog';
import { loadFlags } from '@/lib/plans/license';
import { TIER_KEYS } from '@/lib/plans/tiers';

/** Staff management of feature flags (minimum tier, kill switch) and per-customer overrides. */

const tierSchema = z.enum(TIER_KEYS, { message: 'Choose community, team or enterprise.' });

export async function listFeatureFlags(actor: Actor, db: Db = prisma) {
  assertStaffPermission(actor, 'licenses.view');
  const [flags, overrideCounts] = await Promise.all([
    loadFlags(db),
    db.orgFeatureOverride.groupBy({ by: ['featureKey'], _count: { _all: true } }),
  ]);
  const counts = new Map(overrideCounts.map((row) => [row.featureKey, row._count._all]));
  return [...flags.values()].map((flag) => ({ ...flag, custom: !isKnownFeature(flag.key), overrides: counts.get(flag.key) ?? 0 }));
}

/** Writes the flag row for a feature (a known one gets its catalog defaults first). */
async function ensureFlagRow(tx: Db, key: string) {
  const existing = await tx.featureFlag.findUnique({ where: { key } });
  if (existing) return existing;
  const flag = (await loadFlags(tx)).get(key);
  if (!flag) throw new NotFoundError(`There is no feature called ${key}.`);
  return tx.featureFlag.create({ data: { key, minTier: flag.minTier, enabled: flag.enabled, description: flag.description } });
}

export const updateFlagSchema = z.object({
  key: z.string().min(1),
  minTier: optionalField(tierSchema),
  enabled: optionalField(z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])),
  description: z.string().trim().max(200, 'Use at most 200 characters.').optional(),
});

/** Changes a flag's minimum tier, description or kill switch (staff-admin). */
export async function updateFeatureFlag(actor: Actor, input: z.input<typeof updateFlagSchema>) {
  assertStaffPermission(actor, 'features.manage');
  const data = updateFlagSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const before = await ensureFlagRow(tx, data.key);
    const after = await tx.featureFlag.update({
      where: { key: data.key },
      data: { minTier: data.minTier, enabled: data.enabled, description: data.description },
    });
    await recordAudit(tx, actor, {
      action: data.enabled === false && before.enabled ? 'feature_flag.kill' : 'feature_flag.update',
      target: { type: 'feature_flag', id: data.key },
      before: { minTier: before.minTier, enabled: before.enabled, description: before.description },
      after: { minTier: after.minTier, enabled: after.enabled, description: after.description },
    });
    return after;
  });
}

export const createFlagSchema = z.object({
  key: z
    .string()
    .trim()
    .min(2, 'Use at least 2 characters.')
    .max(64, 'Use at most 64 characters.')
    .regex(FEATURE_KEY_PATTERN, 'Use lower-case letters, digits and underscores, e.g. ha_mode.'),
  description: z.string().trim().max(200, 'Use at most 200 characters.').optional(),
  minTier: tierSchema,
});

/** A feature of the vendor's product that licenses carry (e.g. `ha_mode`). */
export async function createFeatureFlag(actor: Actor, input: z.input<typeof createFlagSchema>) {
  assertStaffPermission(actor, 'features.manage');
  const data = createFlagSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    if ((await loadFlags(tx)).has(data.key)) throw ValidationError.field('key', `A feature called ${data.key} already exists.`);
    const flag = await tx.featureFlag.create({ data: { key: data.key, minTier: data.minTier, description: data.description || null, enabled: true } });
    await recordAudit(tx, actor, { action: 'feature_flag.create', target: { type: 'feature_flag', id: flag.key }, after: flag });
    return flag;
  });
}

/** An optional date: a Date, an ISO timestamp or YYYY-MM-DD (the end of that day); blank or null means none. */
const dateInput = z.union([z.date(), z.string().trim(), z.null()]).optional().transform((value, ctx) => {
  if (value === undefined || value === null || value === '') return null;
  const date = value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'Use a date like 2027-01-31.' });
    return z.NEVER;
  }
  return date;
});

export const setOverrideSchema = z.object({
  orgId: z.string().min(1, 'Choose a customer.'),
  featureKey: z.string().min(1, 'Choose a feature.'),
  enabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
  expiresAt: dateInput,
  reason: z.string().trim().min(3, 'Say why, e.g. "30-day SSO trial".').max(200, 'Use at most 200 characters.'),
});

/** Grants (or withholds) a feature for one customer, optionally until a date; one override per customer and feature. */
export async function setFeatureOverride(actor: Actor, input: z.input<typeof setOverrideSchema>, now = new Date()) {
  const data = setOverrideSchema.parse(input);
  if (data.expiresAt && data.expiresAt <= now) throw ValidationError.field('expiresAt', 'The expiry must be in the future.');
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: data.orgId }, { staff: 'features.manage' });
    await ensureFlagRow(tx, data.featureKey).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw ValidationError.field('featureKey', error.message);
      throw error;
    });
    const before = await tx.orgFeatureOverride.findUnique({ where: { orgId_featureKey: { orgId: org.id, featureKey: data.featureKey } } });
    const fields = { enabled: data.enabled, expiresAt: data.expiresAt, reason: data.reason, createdBy: actor.label };
    const after = await tx.orgFeatureOverride.upsert({
      where: { orgId_featureKey: { orgId: org.id, featureKey: data.featureKey } },
      create: { orgId: org.id, featureKey: data.featureKey, ...fields },
      update: { ...fields, createdAt: now },
    });
    await recordAudit(tx, actor, {
      action: 'feature_override.set',
      target: { type: 'feature_override', id: after.id },
      orgId: org.id,
      before,
      after,
    });
    return after;
  });
}

export async function removeFeatureOverride(actor: Actor, input: { orgId: string; featureKey: string }) {
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: input.orgId }, { staff: 'features.manage' });
    const existing = await tx.orgFeatureOverride.findUnique({ where: { orgId_featureKey: { orgId: org.id, featureKey: input.featureKey } } });
    if (!existing) throw new NotFoundError('Override not found');
    await tx.orgFeatureOverride.delete({ where: { id: existing.id } });
    await recordAudit(tx, actor, { action: 'feature_override.remove', target: { type: 'feature_override', id: existing.id }, orgId: org.id, before: existing });
    return existing;
  });
}

/** Overrides, all or one customer's, newest first, with the customer's name. */
export async function listFeatureOverrides(actor: Actor, filter: { orgId?: string } = {}) {
  if (filter.orgId) await authorizeOrg(prisma, actor, { id: filter.orgId }, { staff: 'licenses.view' });
  else assertStaffPermission(actor, 'licenses.view');
  return prisma.orgFeatureOverride.findMany({
    where: filter.orgId ? { orgId: filter.orgId } : {},
    orderBy: { createdAt: 'desc' },
    include: { org: { select: { id: true, name: true, slug: true, tier: true } } },
  });
}
