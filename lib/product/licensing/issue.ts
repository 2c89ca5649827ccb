import 'server-only';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { optionalField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { publicUrl } from '@/lib/platform/config/public-url';
import { Prisma, prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { effectiveLimits, loadFlags, tierFeatures } from '@/lib/plans/license';
import { isLimitKey, LIMIT_KEYS, TIER_KEYS, TIERS, tierLabel, tierOf, tierRank, type Limits, type Tier } from '@/lib/plans/tiers';
import { assertStaffPermission, authorizeOrg, hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { getSetting } from '@/lib/platform/settings';
import { DAY } from '@/lib/platform/time';
import { licenseAudience } from './audience';
import { canonicalClaimsJson, seconds, type LicenseClaims } from './claims';
import { LICENSE_TYPE, signCompact } from './jws';
import { licenseInclude, licenseSummary, licenseView, syncOrgExpiry } from './license-row';
import { activeSigningKey } from './signing-keys';

/**
 * Issuing and re-issuing license keys: Ed25519-signed JWTs for a customer's
 * self-hosted product, checked against the customer's tier (more than the
 * tier is billing's decision). Only the claims are stored; read.ts re-signs
 * the token from them on demand (Ed25519 is deterministic, so it is the same
 * token every time).
 */

export const DEFAULT_LICENSE_DAYS = 365;
export const DEFAULT_GRACE_DAYS = 14;

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
 * Issues a license inside the caller's transaction (a tier change
 * re-issues through followTierChange, follow-tier.ts). Defaults: the org's tier, its
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
  await recordAudit(tx, actor, { action: 'license.issue', target: { type: 'license', id: row.id }, orgId: org.id, after: licenseSummary(license) });
  return { license, token };
}

export async function issueLicense(actor: Actor, input: IssueLicenseInput, now = new Date()) {
  return prisma.$transaction((tx) => issueLicenseTx(tx, actor, input, now));
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
    after: licenseSummary(license),
    metadata: { replaces: old.id, reason: data.reason ?? null },
  });
  return { license, token, previous: { id: old.id, jti: old.jti } };
}

export async function reissueLicense(actor: Actor, input: z.input<typeof reissueLicenseSchema>, now = new Date()) {
  return prisma.$transaction((tx) => reissueLicenseTx(tx, actor, input, now));
}
