/**
 * The tiers a customer can be on, in ascending order. Issue 5 owns tiers as
 * typed configuration (features, limits); this list is what the customer
 * forms and filters offer until that configuration lands.
 */
export const TIER_KEYS = ['community', 'team', 'enterprise'] as const;
export type TierKey = (typeof TIER_KEYS)[number];

export const TIER_LABELS: Record<TierKey, string> = { community: 'Community', team: 'Team', enterprise: 'Enterprise' };

export function tierLabel(tier: string): string {
  return (TIER_LABELS as Record<string, string | undefined>)[tier] ?? tier;
}

export const CUSTOMER_STATUSES = ['active', 'suspended', 'deactivated'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];
