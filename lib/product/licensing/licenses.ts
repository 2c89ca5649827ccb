import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { optionalField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { publicUrl } from '@/lib/platform/config/public-url';
import { Prisma, prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { currentLicense, effectiveLimits, loadFlags, tierFeatures } from '@/lib/plans/license';
import { isLimitKey, LIMIT_KEYS, TIER_KEYS, TIERS, tierLabel, tierOf, tierRank, type Limits, type Tier } from '@/lib/plans/tiers';
import { assertStaffPermission, authorizeOrg, hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { announceRegistryChange } from '@/lib/product/registry/credentials';
import { getSetting } from '@/lib/platform/settings';
import { canonicalClaimsJson, seconds, type LicenseClaims } from './claims';
import { LICENSE_TYPE, signCompact } from './jws';
import { activeSigningKey, privateKeyFor } from './signing-keys';
import { licenseStatus } from './status';
import { DAY } from '@/lib/platform/time';

/**
 * License keys: Ed25519-signed JWTs for a customer's self-hosted product.
 * Only the claims are stored; the token is re-signed from them on demand
 * (Ed25519 is deterministic, so it is the same token every time).
 */

export const DEFAULT_LICENSE_DAYS = 365;
export const DEFAULT_GRACE_DAYS = 14;
export const DEFAULT_AUDIENCE = 'self-hosted-product';

/** The `aud` licenses carry: setting `licenses.audience`; the product's kit checks it. */
export async function licenseAudience(db: Db = prisma): Promise<string> {
  return getSetting(db, 'licenses.audience', DEFAULT_AUDIENCE);
}

/** A date input: a Date, an ISO timestamp, or YYYY-MM-DD (the end of that day, UTC). */
export const dateInput = z.union([z.date(), z.string().trim()]).transform((value, ctx) => {
  if (value instanceof Date) return value;
  if (value === '') return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'Use a date like 2027-12-31.' });
    return z.NEVER;
  }
  return date;
});

/** A limit value: a whole number, or "unlimited"/null; "" means the tier default. */
const limitValue = z.union([z.number(), z.string().trim(), z.null()]).transform((value, ctx): number | null | undefined => {
  if (value === null || value === 'unlimited') return null;
  if (value === '') return undefined;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) {
    ctx.addIssue({ code: 'custom', message: 'Use a whole number or "unlimited".' });
    return z.NEVER;
  }
  return n;
});

const limitsInput = z
  .record(z.string(), limitValue)
  .optional()
  .superRefine((limits, ctx) => {
    for (const key of Object.keys(limits ?? {})) {
      if (!isLimitKey(key)) ctx.addIssue({ code: 'custom', message: `Unknown limit ${key}; use ${LIMIT_KEYS.join(', ')}.`, path: [] });
    }
  })
  .transform((limits) => {
    const out: Partial<Limits> = {};
    for (const [key, value] of Object.entries(limits ?? {})) if (value !== undefined && isLimitKey(key)) out[key] = value;
    return out;
  });

const featuresInput = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((value) => [...new Set((Array.isArray(value) ? value : value ? [value] : []).map((f) => f.trim()).filter(Boolean))]);

export const issueLicenseSchema = z.object({
  orgId: z.string().min(1, 'Choose a customer.'),
  tier: optionalField(z.enum(TIER_KEYS, { message: 'Choose community, team or enterprise.' })),
  expiresAt: dateInput.optional(),
  notBefore: dateInput.optional(),
  features: featuresInput,
  limits: limitsInput,
  graceDays: optionalField(z.coerce.number<string | number>().int('Use whole days.').min(0, 'Grace cannot be negative.').max(365, 'Keep the grace period under a year.')),
});
export type IssueLicenseInput = z.input<typeof issueLicenseSchema>;

export const reissueLicenseSchema = issueLicenseSchema.omit({ orgId: true }).extend({
  licenseId: z.string().min(1),
  reason: optionalField(z.string().trim().max(200, 'Use at most 200 characters.')),
  /** Recompute features and limits from the (new) tier instead of carrying the old license's. */
  resetToTier: z.boolean().optional(),
});

export const revokeLicenseSchema = z.object({
  licenseId: z.string().min(1),
  reason: z.string().trim().min(3, 'Say why the license is revoked.').max(200, 'Use at most 200 characters.'),
});

const licenseInclude = {
  org: { select: { id: true, name: true, slug: true, tier: true } },
  signingKey: { select: { kid: true, status: true } },
  replacedBy: { select: { id: true, jti: true } },
  replaces: { select: { id: true, jti: true } },
} as const;

type LicenseRow = Prisma.LicenseKeyGetPayload<{ include: typeof licenseInclude }>;

/** What callers see of a license (no private material exists on it anyway). */
export function licenseView(row: LicenseRow, now = new Date()) {
  return {
    id: row.id,
    jti: row.jti,
    orgId: row.orgId,
    org: row.org,
    tier: row.tier,
    features: row.features,
    limits: row.limits as Limits,
    claims: row.claims as unknown as LicenseClaims,
    issuedAt: row.issuedAt,
    notBefore: row.notBefore,
    expiresAt: row.expiresAt,
    graceDays: row.graceDays,
    revokedAt: row.revokedAt,
    revokedReason: row.revokedReason,
    replaces: row.replaces,
    replacedBy: row.replacedBy,
    issuedBy: row.issuedBy,
    kid: row.signingKey.kid,
    keyStatus: row.signingKey.status,
    status: licenseStatus({ ...row, replacedById: row.replacedBy?.id ?? null }, now),
  };
}
export type LicenseView = ReturnType<typeof licenseView>;

/**
 * The tier is billing's decision: a license that gives more than the
 * customer's tier (a higher tier, features beyond the tier's, a limit above
 * the customer's) needs billing.manage; anyone with licenses.issue may issue
 * what the tier already includes.
 */
async function assertWithinTier(
  db: Db,
  actor: Actor,
  org: { id: string; name: string; tier: string },
  license: { tier: Tier; features: readonly string[]; limits: Limits },
  now: Date,
  /** A re-issue keeps what the license it replaces already carried (approved then). */
  previous?: { tier: string; features: readonly string[]; limits: unknown },
): Promise<void> {
  if (hasStaffPermission(actor, 'billing.manage')) return;
  const orgTier = tierOf(org.tier);
  const reasons: string[] = [];
  const kept = previous && previous.tier === license.tier ? previous : null;
  if (tierRank(license.tier) > tierRank(orgTier) && !kept) reasons.push(`the ${tierLabel(license.tier)} tier (the customer is on ${tierLabel(orgTier)})`);
  const included = await tierFeatures(db, org.id, orgTier, now);
  const extra = license.features.filter((feature) => !included.includes(feature) && !kept?.features.includes(feature));
  if (extra.length) reasons.push(`features beyond the tier: ${extra.join(', ')}`);
  const own = await db.organization.findUnique({ where: { id: org.id }, select: { quotaLimits: true } });
  const allowed = effectiveLimits(orgTier, kept ? { tier: orgTier, limits: kept.limits } : null, own?.quotaLimits);
  const higher = LIMIT_KEYS.filter((key) => allowed[key] !== null && (license.limits[key] === null || license.limits[key]! > allowed[key]!));
  if (higher.length) reasons.push(`higher limits: ${higher.map((key) => `${key} ${license.limits[key] ?? 'unlimited'} > ${allowed[key]}`).join(', ')}`);
  if (reasons.length) throw new ForbiddenError(`Only billing staff may license ${org.name} beyond its tier: ${reasons.join('; ')}.`);
}

async function validateExtraFeatures(db: Db, features: string[]) {
  if (features.length === 0) return;
  const flags = await loadFlags(db);
  const unknown = features.filter((f) => !flags.has(f));
  if (unknown.length) throw ValidationError.field('features', `Unknown feature${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
}

/** Points the org's recorded expiry at its current license. */
async function syncOrgExpiry(tx: Db, orgId: string, now: Date) {
  const current = await currentLicense(tx, orgId, now);
  if (!current) return;
  await tx.organization.update({ where: { id: orgId }, data: { licenseExpiresAt: current.expiresAt } });
  // The gateway's perpetual fallback reads the expiry: its cached credentials must follow.
  await announceRegistryChange(tx, { kind: 'org', orgId });
}

interface Resolved {
  tier: Tier;
  expiresAt: Date;
  notBefore: Date;
  features: string[];
  limits: Limits;
  graceDays: number;
}

async function insertLicense(tx: Db, actor: Actor, org: { id: string; name: string; slug: string }, spec: Resolved, now: Date, replacesId?: string) {
  const key = await activeSigningKey(tx, actor);
  const claims: LicenseClaims = {
    iss: publicUrl(),
    sub: org.id,
    aud: await licenseAudience(tx),
    iat: seconds(now),
    nbf: seconds(spec.notBefore),
    exp: seconds(spec.expiresAt),
    jti: randomUUID(),
    tier: spec.tier,
    features: [...spec.features].sort(),
    limits: spec.limits,
    grace_days: spec.graceDays,
    customer_name: org.name,
    customer_slug: org.slug,
  };
  const payload = canonicalClaimsJson(claims);
  const token = signCompact({ alg: 'EdDSA', kid: key.kid, typ: LICENSE_TYPE }, payload, key.privateKey);
  const row = await tx.licenseKey.create({
    data: {
      jti: claims.jti,
      orgId: org.id,
      signingKeyId: key.id,
      tier: spec.tier,
      features: claims.features,
      limits: spec.limits as Prisma.InputJsonValue,
      claims: JSON.parse(payload) as Prisma.InputJsonValue,
      issuedAt: new Date(claims.iat * 1000),
      notBefore: new Date(claims.nbf * 1000),
      expiresAt: new Date(claims.exp * 1000),
      graceDays: spec.graceDays,
      replacesId,
      issuedBy: actor.label,
    },
    include: licenseInclude,
  });
  return { token, row };
}

function resolveDates(data: { expiresAt?: Date; notBefore?: Date }, fallbackExpiry: Date | null, now: Date) {
  const notBefore = data.notBefore ?? now;
  const expiresAt = data.expiresAt ?? (fallbackExpiry && fallbackExpiry > now ? fallbackExpiry : new Date(now.getTime() + DEFAULT_LICENSE_DAYS * DAY));
  if (expiresAt <= now) throw ValidationError.field('expiresAt', 'The expiry must be in the future.');
  if (expiresAt <= notBefore) throw ValidationError.field('expiresAt', 'The expiry must be after the start date.');
  return { notBefore, expiresAt };
}

/**
 * Issues a license inside the caller's transaction (billing re-issues on a
 * tier change through reissueCurrentLicense). Defaults: the org's tier, its
 * recorded expiry (or a year), the tier's features plus the org's live
 * overrides, the tier's limits, 14 grace days.
 */
export async function issueLicenseTx(tx: Db, actor: Actor, input: IssueLicenseInput, now = new Date()) {
  const data = issueLicenseSchema.parse(input);
  const { org } = await authorizeOrg(tx, actor, { id: data.orgId }, { staff: 'licenses.issue' });
  if (org.status !== 'active') throw new ConflictError(`${org.name} is ${org.status}; reactivate it before issuing a license.`);
  await validateExtraFeatures(tx, data.features);
  const tier = data.tier ?? tierOf(org.tier);
  const { notBefore, expiresAt } = resolveDates(data, org.licenseExpiresAt, now);
  const features = [...new Set([...(await tierFeatures(tx, org.id, tier, now)), ...data.features])];
  const limits: Limits = { ...TIERS[tier].limits, ...data.limits };
  const graceDays = data.graceDays ?? (await getSetting(tx, 'licenses.graceDays', DEFAULT_GRACE_DAYS));
  await assertWithinTier(tx, actor, org, { tier, features, limits }, now);
  const { token, row } = await insertLicense(tx, actor, org, { tier, expiresAt, notBefore, features, limits, graceDays }, now);
  await syncOrgExpiry(tx, org.id, now);
  const license = licenseView(row, now);
  await recordAudit(tx, actor, { action: 'license.issue', target: { type: 'license', id: row.id }, orgId: org.id, after: summary(license) });
  return { license, token };
}

export async function issueLicense(actor: Actor, input: IssueLicenseInput, now = new Date()) {
  return prisma.$transaction((tx) => issueLicenseTx(tx, actor, input, now));
}

function summary(license: LicenseView) {
  return { jti: license.jti, tier: license.tier, features: license.features, limits: license.limits, notBefore: license.notBefore, expiresAt: license.expiresAt, graceDays: license.graceDays, kid: license.kid };
}

/**
 * Replaces a license: a new jti with the given changes (else the old one's
 * tier, expiry, extra features, limits and grace), the old one revoked and
 * linked to its successor. In the caller's transaction.
 */
export async function reissueLicenseTx(tx: Db, actor: Actor, input: z.input<typeof reissueLicenseSchema>, now = new Date()) {
  assertStaffPermission(actor, 'licenses.issue');
  const data = reissueLicenseSchema.parse(input);
  const old = await tx.licenseKey.findUnique({ where: { id: data.licenseId }, include: licenseInclude });
  if (!old) throw new NotFoundError('License not found');
  const { org } = await authorizeOrg(tx, actor, { id: old.orgId }, { staff: 'licenses.issue' });
  if (org.status !== 'active') throw new ConflictError(`${org.name} is ${org.status}; reactivate it before issuing a license.`);
  if (old.replacedBy) throw new ConflictError(`This license was already re-issued (as ${old.replacedBy.jti}); re-issue that one instead.`);
  await validateExtraFeatures(tx, data.features);

  const tier = data.tier ?? tierOf(old.tier);
  const sameTier = tier === old.tier && !data.resetToTier;
  const baseFeatures = await tierFeatures(tx, org.id, tier, now);
  // Features the old license carried beyond its tier's defaults were chosen by hand: keep them unless reset.
  const oldDefaults = sameTier ? await tierFeatures(tx, org.id, tierOf(old.tier), now) : [];
  const carried = sameTier ? old.features.filter((f) => !oldDefaults.includes(f)) : [];
  const features = [...new Set([...baseFeatures, ...carried, ...data.features])];
  const limits: Limits = { ...TIERS[tier].limits, ...(sameTier ? (old.limits as Partial<Limits>) : {}), ...data.limits };
  if (!data.expiresAt && old.expiresAt <= now) throw ValidationError.field('expiresAt', 'The old license has expired; choose a new expiry.');
  const { notBefore, expiresAt } = resolveDates({ expiresAt: data.expiresAt ?? old.expiresAt, notBefore: data.notBefore }, null, now);
  const graceDays = data.graceDays ?? old.graceDays;
  await assertWithinTier(tx, actor, org, { tier, features, limits }, now, old);

  const { token, row } = await insertLicense(tx, actor, org, { tier, expiresAt, notBefore, features, limits, graceDays }, now, old.id);
  if (!old.revokedAt) {
    await tx.licenseKey.update({
      where: { id: old.id },
      data: { revokedAt: now, revokedReason: `Re-issued as ${row.jti}${data.reason ? `: ${data.reason}` : ''}`.slice(0, 250) },
    });
  }
  await syncOrgExpiry(tx, org.id, now);
  const license = licenseView(row, now);
  await recordAudit(tx, actor, {
    action: 'license.reissue',
    target: { type: 'license', id: row.id },
    orgId: org.id,
    before: { id: old.id, jti: old.jti, tier: old.tier, expiresAt: old.expiresAt, revokedAt: old.revokedAt },
    after: summary(license),
    metadata: { replaces: old.id, reason: data.reason ?? null },
  });
  return { license, token, previous: { id: old.id, jti: old.jti } };
}

export async function reissueLicense(actor: Actor, input: z.input<typeof reissueLicenseSchema>, now = new Date()) {
  return prisma.$transaction((tx) => reissueLicenseTx(tx, actor, input, now));
}

/**
 * For billing: after an org's tier changes, replace its current license with
 * one for the new tier (features and limits recomputed), or issue a first one.
 */
export async function reissueCurrentLicense(tx: Db, actor: Actor, input: { orgId: string; tier: Tier; reason: string }, now = new Date()) {
  const current = await currentLicense(tx, input.orgId, now);
  if (current && current.expiresAt > now) {
    return reissueLicenseTx(tx, actor, { licenseId: current.id, tier: input.tier, reason: input.reason, resetToTier: true }, now);
  }
  return issueLicenseTx(tx, actor, { orgId: input.orgId, tier: input.tier }, now);
}

export async function revokeLicense(actor: Actor, input: z.input<typeof revokeLicenseSchema>, now = new Date()) {
  assertStaffPermission(actor, 'licenses.revoke');
  const data = revokeLicenseSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const license = await tx.licenseKey.findUnique({ where: { id: data.licenseId }, include: licenseInclude });
    if (!license) throw new NotFoundError('License not found');
    await authorizeOrg(tx, actor, { id: license.orgId }, { staff: 'licenses.revoke' });
    if (license.revokedAt) throw new ConflictError(`This license was already revoked on ${license.revokedAt.toISOString().slice(0, 10)}.`);
    const row = await tx.licenseKey.update({ where: { id: license.id }, data: { revokedAt: now, revokedReason: data.reason }, include: licenseInclude });
    await syncOrgExpiry(tx, license.orgId, now);
    await recordAudit(tx, actor, {
      action: 'license.revoke',
      target: { type: 'license', id: license.id },
      orgId: license.orgId,
      before: { revokedAt: null },
      after: { revokedAt: now, revokedReason: data.reason },
      metadata: { jti: license.jti },
    });
    return licenseView(row, now);
  });
}

/** One license with its decoded claims; staff, or a member of its org with licenses.view. Foreign ids are 404. */
export async function getLicense(actor: Actor, licenseId: string, now = new Date()) {
  const row = await prisma.licenseKey.findUnique({ where: { id: licenseId }, include: licenseInclude });
  if (!row) throw new NotFoundError('License not found');
  await authorizeOrg(prisma, actor, { id: row.orgId }, { staff: 'licenses.view', org: 'licenses.view' }).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError('License not found') : error;
  });
  return licenseView(row, now);
}

/** Re-creates the license token (identical to the one issued) for download or copy; audited. */
export async function licenseToken(actor: Actor, licenseId: string, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const row = await tx.licenseKey.findUnique({ where: { id: licenseId }, include: licenseInclude });
    if (!row) throw new NotFoundError('License not found');
    await authorizeOrg(tx, actor, { id: row.orgId }, { staff: 'licenses.view', org: 'licenses.download' }).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError('License not found') : error;
    });
    if (row.signingKey.status === 'retired') throw new ConflictError('The key that signed this license has been retired, so it no longer verifies; re-issue it.');
    const token = signCompact({ alg: 'EdDSA', kid: row.signingKey.kid, typ: LICENSE_TYPE }, canonicalClaimsJson(row.claims as unknown as LicenseClaims), await privateKeyFor(tx, row.signingKey.kid));
    await recordAudit(tx, actor, { action: 'license.download', target: { type: 'license', id: row.id }, orgId: row.orgId, metadata: { jti: row.jti } });
    return { token, license: licenseView(row, now), filename: `${row.org.slug}-license-${row.jti.slice(0, 8)}.jwt` };
  });
}

export const LICENSE_SORTS = ['issuedAt', 'expiresAt', 'customer', 'tier'] as const;
export const LICENSE_FILTERS = { status: ['active', 'expiring', 'expired', 'revoked'], tier: TIER_KEYS } as const;

export interface LicenseListQuery {
  orgId?: string;
  q?: string;
  status?: (typeof LICENSE_FILTERS.status)[number];
  tier?: string;
  sort?: (typeof LICENSE_SORTS)[number] | null;
  dir?: 'asc' | 'desc';
  skip?: number;
  take?: number;
}

/**
 * Licenses, newest first: all customers' for staff, or one org's (staff, or
 * its members with licenses.view). Server-side filter, sort and pagination.
 */
export async function listLicenses(actor: Actor, query: LicenseListQuery = {}, now = new Date()) {
  if (query.orgId) {
    await authorizeOrg(prisma, actor, { id: query.orgId }, { staff: 'licenses.view', org: 'licenses.view' });
  } else {
    assertStaffPermission(actor, 'licenses.view');
  }
  const where: Prisma.LicenseKeyWhereInput = { ...(query.orgId ? { orgId: query.orgId } : {}) };
  if (query.tier) where.tier = query.tier;
  switch (query.status) {
    case 'active':
      Object.assign(where, { revokedAt: null, expiresAt: { gt: now } });
      break;
    case 'expiring':
      Object.assign(where, { revokedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + 30 * DAY) } });
      break;
    case 'expired':
      Object.assign(where, { revokedAt: null, expiresAt: { lte: now } });
      break;
    case 'revoked':
      Object.assign(where, { revokedAt: { not: null } });
      break;
  }
  if (query.q) {
    where.OR = [
      { org: { name: { contains: query.q, mode: 'insensitive' } } },
      { org: { slug: { contains: query.q.toLowerCase() } } },
      { jti: { startsWith: query.q.toLowerCase() } },
    ];
  }
  const dir = query.dir ?? 'desc';
  const orderBy: Prisma.LicenseKeyOrderByWithRelationInput[] =
    query.sort === 'customer' ? [{ org: { name: dir } }] : query.sort === 'tier' ? [{ tier: dir }] : query.sort === 'expiresAt' ? [{ expiresAt: dir }] : [{ issuedAt: dir }];
  orderBy.push({ id: 'desc' });
  const [rows, total] = await Promise.all([
    prisma.licenseKey.findMany({ where, orderBy, skip: query.skip ?? 0, take: query.take ?? 50, include: licenseInclude }),
    prisma.licenseKey.count({ where }),
  ]);
  return { rows: rows.map((row) => licenseView(row, now)), total };
}

/** Finds a license by id or jti (CLI arguments), for staff. */
export async function findLicenseId(ref: string): Promise<string> {
  const row = await prisma.licenseKey.findFirst({ where: { OR: [{ id: ref }, { jti: ref }] }, select: { id: true } });
  if (!row) throw new NotFoundError(`No license with id or jti ${ref}.`);
  return row.id;
}
