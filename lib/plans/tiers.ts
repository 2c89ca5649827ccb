/**
 * Tiers as typed configuration. A tier's rank orders them; its limits are the
 * defaults a license carries and the quotas the portal enforces (null means
 * unlimited). Changing a tier here needs no migration: organizations store
 * the tier key as a string.
 */

export const TIER_KEYS = ['community', 'team', 'enterprise'] as const;
export type Tier = (typeof TIER_KEYS)[number];

export const LIMIT_KEYS = ['seats', 'nodes', 'pulls_per_month', 'api_calls_per_month'] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];
/** A limit's value: a whole number, or null for unlimited. */
export type Limits = Record<LimitKey, number | null>;

export const LIMIT_LABELS: Record<LimitKey, { label: string; unit: string; description: string }> = {
  seats: { label: 'Seats', unit: 'members', description: 'Members and pending invitations in the organization.' },
  nodes: { label: 'Nodes', unit: 'nodes', description: 'Nodes the self-hosted product may run on (enforced by the product).' },
  pulls_per_month: { label: 'Image pulls', unit: 'pulls / month', description: 'Counted image pulls through the registry this calendar month (UTC).' },
  api_calls_per_month: { label: 'API calls', unit: 'calls / month', description: 'Calls to the entitlements API this calendar month (UTC).' },
};

export interface TierConfig {
  key: Tier;
  label: string;
  rank: number;
  description: string;
  /** What the upgrade button does: checkout (self-serve billing) or talk to sales. */
  purchase: 'free' | 'checkout' | 'contact_sales';
  limits: Limits;
}

export const TIERS: Record<Tier, TierConfig> = {
  community: {
    key: 'community',
    label: 'Community',
    rank: 1,
    description: 'The free edition for small teams.',
    purchase: 'free',
    limits: { seats: 3, nodes: 1, pulls_per_month: 500, api_calls_per_month: 1_000 },
  },
  team: {
    key: 'team',
    label: 'Team',
    rank: 2,
    description: 'For growing teams: API access, webhooks and audit logging.',
    purchase: 'checkout',
    limits: { seats: 25, nodes: 5, pulls_per_month: null, api_calls_per_month: 100_000 },
  },
  enterprise: {
    key: 'enterprise',
    label: 'Enterprise',
    rank: 3,
    description: 'SSO, custom roles, IP allowlisting, data retention and unlimited use.',
    purchase: 'contact_sales',
    limits: { seats: null, nodes: null, pulls_per_month: null, api_calls_per_month: null },
  },
};

export const DEFAULT_TIER: Tier = 'community';

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIER_KEYS as readonly string[]).includes(value);
}

export function isLimitKey(value: unknown): value is LimitKey {
  return typeof value === 'string' && (LIMIT_KEYS as readonly string[]).includes(value);
}

/** An unknown stored tier counts as Community (fail closed). */
export function tierOf(value: string | null | undefined): Tier {
  return isTier(value) ? value : DEFAULT_TIER;
}

export function tierRank(tier: string): number {
  return TIERS[tierOf(tier)].rank;
}

/** True when `tier` includes everything `required` does. */
export function tierIncludes(tier: string, required: string): boolean {
  return tierRank(tier) >= tierRank(required);
}

export function tierLabel(tier: string): string {
  return isTier(tier) ? TIERS[tier].label : tier;
}

/** The tier above `tier` (what "upgrade" means from it), or null at the top. */
export function nextTier(tier: string): Tier | null {
  const rank = tierRank(tier);
  return TIER_KEYS.find((key) => TIERS[key].rank === rank + 1) ?? null;
}
