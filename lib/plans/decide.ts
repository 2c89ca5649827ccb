import 'server-only';
import { FEATURES, isKnownFeature, type FeatureKey, type FeatureKind } from './catalog';
import { TIERS, tierIncludes, tierLabel, tierOf, type LimitKey, type Limits, type Tier } from './tiers';
import { DAY } from '@/lib/platform/time';

/**
 * The one decision: may this organization use this feature now? Pure, so
 * the guard (`requireFeature`), the UpgradeGate component, license issuance
 * and the tests all agree. Loading the inputs is lib/plans/license.ts.
 */

export interface FlagState {
  key: FeatureKey;
  label: string;
  description?: string | null;
  minTier: Tier;
  kind: FeatureKind;
  /** false is the kill switch: off for everyone. */
  enabled: boolean;
  quota?: LimitKey;
}

export interface OverrideState {
  featureKey: FeatureKey;
  enabled: boolean;
  expiresAt: Date | null;
  reason: string;
  createdBy: string;
}

export interface FeatureContext {
  org: { id: string; tier: string; licenseExpiresAt: Date | null };
  /** Every known flag (catalog defaults merged with feature_flags rows). */
  flags: ReadonlyMap<FeatureKey, FlagState>;
  overrides: ReadonlyMap<FeatureKey, OverrideState>;
  /** The current license's expiry and grace, when the org has one; otherwise the org's licenseExpiresAt is used without grace. */
  license?: { expiresAt: Date; graceDays: number } | null;
  limits?: Limits;
  /** Usage so far, for features tied to a quota. */
  usage?: Partial<Record<LimitKey, number>>;
}

export type DenialReason =
  | { code: 'tier_required'; requiredTier: Tier; currentTier: Tier }
  | { code: 'override_expired'; expiredAt: Date; requiredTier: Tier }
  | { code: 'disabled'; scope: 'global' | 'customer'; note?: string }
  | { code: 'license_expired'; expiredAt: Date }
  | { code: 'quota_exceeded'; quota: LimitKey; used: number; limit: number; requiredTier: Tier | null }
  | { code: 'unknown_feature' };

export type DenialCode = DenialReason['code'];

export type FeatureDecision =
  | { allowed: true; feature: FeatureKey; label: string; via: 'tier' | 'override'; overrideExpiresAt?: Date | null }
  | { allowed: false; feature: FeatureKey; label: string; reason: DenialReason };

/** The lowest tier whose default limit for `quota` is above `used` (or unlimited), if any is higher than `tier`. */
export function tierAbove(tier: Tier, quota: LimitKey, used: number): Tier | null {
  for (const candidate of Object.values(TIERS).sort((a, b) => a.rank - b.rank)) {
    if (candidate.rank <= TIERS[tier].rank) continue;
    const limit = candidate.limits[quota];
    if (limit === null || limit > used) return candidate.key;
  }
  return null;
}

export function decideFeature(context: FeatureContext, feature: FeatureKey, now: Date = new Date()): FeatureDecision {
  const flag = context.flags.get(feature);
  const label = flag?.label ?? (isKnownFeature(feature) ? FEATURES[feature].label : feature);
  const deny = (reason: DenialReason): FeatureDecision => ({ allowed: false, feature, label, reason });
  if (!flag) return deny({ code: 'unknown_feature' });
  if (!flag.enabled) return deny({ code: 'disabled', scope: 'global' });

  const tier = tierOf(context.org.tier);
  const override = context.overrides.get(feature);
  const overrideLive = override && (override.expiresAt === null || override.expiresAt > now);

  const quotaCheck = (): FeatureDecision | null => {
    if (!flag.quota || !context.limits || context.usage?.[flag.quota] === undefined) return null;
    const limit = context.limits[flag.quota];
    const used = context.usage[flag.quota]!;
    if (limit !== null && used >= limit) return deny({ code: 'quota_exceeded', quota: flag.quota, used, limit, requiredTier: tierAbove(tier, flag.quota, used) });
    return null;
  };

  if (override && overrideLive) {
    if (!override.enabled) return deny({ code: 'disabled', scope: 'customer', note: override.reason });
    return quotaCheck() ?? { allowed: true, feature, label, via: 'override', overrideExpiresAt: override.expiresAt };
  }

  // Free features stay on when a paid license lapses.
  if (flag.minTier !== 'community') {
    const expiry = context.license
      ? new Date(context.license.expiresAt.getTime() + context.license.graceDays * DAY)
      : context.org.licenseExpiresAt;
    if (expiry && expiry <= now) return deny({ code: 'license_expired', expiredAt: context.license?.expiresAt ?? expiry });
  }

  if (tierIncludes(tier, flag.minTier)) {
    return quotaCheck() ?? { allowed: true, feature, label, via: 'tier' };
  }
  if (override && override.enabled && override.expiresAt) {
    return deny({ code: 'override_expired', expiredAt: override.expiresAt, requiredTier: flag.minTier });
  }
  return deny({ code: 'tier_required', requiredTier: flag.minTier, currentTier: tier });
}

const dateFormat = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** One sentence a person can act on, for UI, API errors and the CLI. */
export function describeDenial(label: string, reason: DenialReason): string {
  switch (reason.code) {
    case 'tier_required':
      return `${label} is available on the ${tierLabel(reason.requiredTier)} plan; this organization is on ${tierLabel(reason.currentTier)}.`;
    case 'override_expired':
      return `Access to ${label} ended on ${dateFormat.format(reason.expiredAt)}; it is included from the ${tierLabel(reason.requiredTier)} plan.`;
    case 'disabled':
      return reason.scope === 'global'
        ? `${label} is turned off for now.`
        : `${label} is turned off for this organization${reason.note ? ` (${reason.note})` : ''}.`;
    case 'license_expired':
      return `The license expired on ${dateFormat.format(reason.expiredAt)}; renew it to use ${label}.`;
    case 'quota_exceeded':
      return `This organization has used ${reason.used.toLocaleString('en-US')} of its ${reason.limit.toLocaleString('en-US')} ${quotaNoun(reason.quota)}${
        reason.requiredTier ? `; the ${tierLabel(reason.requiredTier)} plan allows more` : ''
      }.`;
    case 'unknown_feature':
      return `There is no feature called ${label}.`;
  }
}

function quotaNoun(quota: LimitKey): string {
  return { seats: 'seats', nodes: 'nodes', pulls_per_month: 'image pulls this month', api_calls_per_month: 'API calls this month' }[quota];
}

export function describeDecision(decision: FeatureDecision): string {
  return decision.allowed ? `${decision.label} is available.` : describeDenial(decision.label, decision.reason);
}

/** The tier an upgrade would need to lift this denial, if an upgrade would. */
export function upgradeTierFor(reason: DenialReason): Tier | null {
  switch (reason.code) {
    case 'tier_required':
    case 'override_expired':
      return reason.requiredTier;
    case 'quota_exceeded':
      return reason.requiredTier;
    default:
      return null;
  }
}
