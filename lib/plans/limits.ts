import 'server-only';
import { LIMIT_KEYS, TIERS, tierOf, type Limits } from './tiers';

/** Pure limit arithmetic, shared by the portal (through Prisma) and the gateway (raw SQL, no Prisma). */

/** The limits staff set for one customer (organizations.quota_limits): a whole number, or null for unlimited, per limit. */
export function customerLimitOverrides(value: unknown): Partial<Limits> {
  const out: Partial<Limits> = {};
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const key of LIMIT_KEYS) {
    if (!Object.hasOwn(value, key)) continue;
    const limit = (value as Record<string, unknown>)[key];
    if (limit === null || (typeof limit === 'number' && Number.isInteger(limit) && limit >= 0)) out[key] = limit;
  }
  return out;
}

/**
 * Tier defaults; a current license for the same tier may set its own limits
 * (a negotiated deal); a limit staff set for the customer wins over both.
 */
export function effectiveLimits(tier: string, license: { tier: string; limits: unknown } | null, customer: unknown = null): Limits {
  const limits: Limits = { ...TIERS[tierOf(tier)].limits };
  if (license && license.tier === tierOf(tier) && license.limits && typeof license.limits === 'object') {
    for (const key of LIMIT_KEYS) {
      const value = (license.limits as Record<string, unknown>)[key];
      if (value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0)) limits[key] = value;
    }
  }
  return { ...limits, ...customerLimitOverrides(customer) };
}
