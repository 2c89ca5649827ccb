import 'server-only';
import { prisma, type Db } from '@/lib/platform/db/client';
import { FEATURES, type FeatureKey } from './catalog';
import { decideFeature, type FeatureContext, type FeatureDecision, type FlagState, type OverrideState } from './decide';
import { FeatureUnavailableError } from './errors';
import { effectiveLimits } from './limits';
import { tierOf, type LimitKey, type Limits, type Tier } from './tiers';
import { quotaUsage } from './usage';
import { DAY } from '@/lib/platform/time';

export { customerLimitOverrides, effectiveLimits } from './limits';

/**
 * The license read side: the license that governs an org now, the limits and
 * features it grants, and every feature decision that reads from them
 * (`decideFeature` with its inputs loaded). Issuing, signing and revoking
 * licenses is lib/product/licensing. No permission check here: callers have
 * authorized the actor for the org already (these are guards, not views).
 */

/** Catalog defaults merged with feature_flags rows (rows win; rows for unknown keys are staff-defined features). */
export async function loadFlags(db: Db = prisma): Promise<Map<FeatureKey, FlagState>> {
  const rows = await db.featureFlag.findMany();
  const flags = new Map<FeatureKey, FlagState>();
  for (const definition of Object.values(FEATURES)) {
    flags.set(definition.key, { key: definition.key, label: definition.label, description: definition.description, minTier: definition.minTier, kind: definition.kind, enabled: true, quota: definition.quota });
  }
  for (const row of rows) {
    const known = flags.get(row.key);
    flags.set(row.key, {
      key: row.key,
      label: known?.label ?? row.key,
      description: row.description ?? known?.description ?? null,
      minTier: tierOf(row.minTier),
      kind: known?.kind ?? 'product',
      enabled: row.enabled,
      quota: known?.quota,
    });
  }
  return flags;
}

/** The license that governs the org now: the unrevoked one that runs longest (grace included). */
export async function currentLicense(db: Db, orgId: string, now = new Date()) {
  const candidates = await db.licenseKey.findMany({
    where: { orgId, revokedAt: null },
    orderBy: { expiresAt: 'desc' },
    take: 5,
    select: { id: true, jti: true, tier: true, limits: true, expiresAt: true, graceDays: true, issuedAt: true, notBefore: true },
  });
  const live = candidates.filter((license) => license.notBefore <= now);
  return live.sort((a, b) => b.expiresAt.getTime() + b.graceDays * DAY - (a.expiresAt.getTime() + a.graceDays * DAY))[0] ?? null;
}

/** The org's quotas now: its tier's defaults, or its current same-tier license's limits. */
export async function orgLimits(db: Db, orgId: string, now = new Date()): Promise<Limits> {
  const [org, license] = await Promise.all([
    db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { tier: true, quotaLimits: true } }),
    currentLicense(db, orgId, now),
  ]);
  return effectiveLimits(org.tier, license, org.quotaLimits);
}

/**
 * The features a tier grants the org before any license: the tier's defaults
 * (minus kill-switched ones) and the org's live overrides, as of `now`. What
 * a new license carries by default.
 */
export async function tierFeatures(db: Db, orgId: string, tier: Tier, now = new Date()): Promise<FeatureKey[]> {
  // Sequential: `db` is often a transaction, one connection that runs one query at a time (pg warns on overlap).
  const flags = await loadFlags(db);
  const overrides = await db.orgFeatureOverride.findMany({ where: { orgId } });
  const context = {
    org: { id: orgId, tier, licenseExpiresAt: null },
    flags,
    overrides: new Map(overrides.map((row): [FeatureKey, OverrideState] => [row.featureKey, row])),
  };
  return [...flags.keys()].filter((key) => decideFeature(context, key, now).allowed);
}

export interface LoadOptions {
  /** Quotas whose usage to load (usage gates features tied to a quota). */
  usage?: readonly LimitKey[];
  now?: Date;
}

export async function loadFeatureContext(db: Db, orgId: string, options: LoadOptions = {}): Promise<FeatureContext> {
  const now = options.now ?? new Date();
  const [org, flags, overrides, license] = await Promise.all([
    db.organization.findUnique({ where: { id: orgId }, select: { id: true, tier: true, licenseExpiresAt: true, quotaLimits: true } }),
    loadFlags(db),
    db.orgFeatureOverride.findMany({ where: { orgId } }),
    currentLicense(db, orgId, now),
  ]);
  if (!org) throw new Error(`Organization ${orgId} not found`);
  const usage: Partial<Record<LimitKey, number>> = {};
  for (const quota of options.usage ?? []) usage[quota] = await quotaUsage(db, orgId, quota, now);
  return {
    org: { id: org.id, tier: org.tier, licenseExpiresAt: org.licenseExpiresAt },
    flags,
    overrides: new Map(overrides.map((row): [FeatureKey, OverrideState] => [row.featureKey, row])),
    license: license ? { expiresAt: license.expiresAt, graceDays: license.graceDays } : null,
    limits: effectiveLimits(org.tier, license, org.quotaLimits),
    usage,
  };
}

export async function getFeatureDecision(db: Db, orgId: string, feature: FeatureKey, now = new Date()): Promise<FeatureDecision> {
  const flags = await loadFlags(db);
  const quota = flags.get(feature)?.quota;
  const context = await loadFeatureContext(db, orgId, { usage: quota ? [quota] : [], now });
  return decideFeature(context, feature, now);
}

/** Every feature's decision for the org, in catalog order then staff-defined ones. */
export async function getFeatureDecisions(db: Db, orgId: string, now = new Date()): Promise<FeatureDecision[]> {
  const flags = await loadFlags(db);
  const quotas = [...new Set([...flags.values()].flatMap((flag) => (flag.quota ? [flag.quota] : [])))];
  const context = await loadFeatureContext(db, orgId, { usage: quotas, now });
  return [...flags.keys()].map((key) => decideFeature(context, key, now));
}

/**
 * The server-side guard for actions and routes: returns quietly when the org
 * may use the feature, otherwise throws FeatureUnavailableError carrying the
 * typed reason (which the UI renders as the UpgradeGate prompt).
 */
export async function requireFeature(db: Db, orgId: string, feature: FeatureKey, now = new Date()): Promise<void> {
  const decision = await getFeatureDecision(db, orgId, feature, now);
  if (!decision.allowed) throw new FeatureUnavailableError(decision);
}
