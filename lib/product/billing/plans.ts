import 'server-only';
import { FEATURES } from '@/lib/plans/catalog';
import { DEFAULT_TIER, isTier, TIER_KEYS, TIERS, tierLabel, tierOf, tierRank, type Tier } from '@/lib/plans/tiers';
import { env, type EnvName, type EnvSource } from '@/lib/platform/config/env';

/**
 * Which tiers can be bought, and the Stripe prices that buy them. Tiers,
 * their features and limits are lib/plans' configuration; this adds
 * prices. Price ids come from the environment (`npm run stripe:setup`
 * creates the products and prices in a Stripe account and prints these lines).
 */
export { isTier, tierLabel, tierOf, tierRank, type Tier };
export const TIER_ORDER = TIER_KEYS;
export const FREE_TIER: Tier = DEFAULT_TIER;

export type BillingInterval = 'month' | 'year';
export const INTERVALS: readonly BillingInterval[] = ['month', 'year'];

export interface PlanDefinition {
  tier: Exclude<Tier, 'community'>;
  name: string;
  /** Used by the setup script when it creates the prices (in cents). */
  amounts: Record<BillingInterval, number>;
  currency: string;
  /** Environment variables holding the Stripe price ids. */
  priceEnv: Record<BillingInterval, Extract<EnvName, `STRIPE_PRICE_${string}`>>;
}

export const PLANS: readonly PlanDefinition[] = [
  {
    tier: 'team',
    name: 'Team',
    amounts: { month: 4900, year: 49000 },
    currency: 'usd',
    priceEnv: { month: 'STRIPE_PRICE_TEAM_MONTHLY', year: 'STRIPE_PRICE_TEAM_YEARLY' },
  },
  {
    tier: 'enterprise',
    name: 'Enterprise',
    amounts: { month: 49900, year: 499000 },
    currency: 'usd',
    priceEnv: { month: 'STRIPE_PRICE_ENTERPRISE_MONTHLY', year: 'STRIPE_PRICE_ENTERPRISE_YEARLY' },
  },
];

/** The higher of two tiers. */
export function maxTier(a: Tier, b: Tier): Tier {
  return tierRank(a) >= tierRank(b) ? a : b;
}

/** Bought online (Checkout) rather than through sales, per the tier configuration. */
export function selfServe(tier: Tier): boolean {
  return TIERS[tier].purchase === 'checkout';
}

/** What a tier adds, for plan cards: its description, the features that start at it, and its seats. */
export function tierSummary(tier: Tier): { description: string; highlights: string[] } {
  const seats = TIERS[tier].limits.seats;
  const adds = Object.values(FEATURES)
    .filter((feature) => feature.minTier === tier)
    .map((feature) => feature.label);
  const previous = TIER_KEYS[TIER_KEYS.indexOf(tier) - 1];
  return {
    description: TIERS[tier].description,
    highlights: [...(previous ? [`Everything in ${tierLabel(previous)}`] : []), ...adds, seats === null ? 'Unlimited users' : `Up to ${seats} users`],
  };
}

export function planFor(tier: string): PlanDefinition | undefined {
  return PLANS.find((plan) => plan.tier === tier);
}

export function priceIdFor(plan: PlanDefinition, interval: BillingInterval, source?: EnvSource): string | null {
  return env(plan.priceEnv[interval], source) || null;
}

/** Maps a Stripe price id back to the tier and interval it sells; null for prices we do not know. */
export function tierForPrice(priceId: string, source?: EnvSource): { tier: Tier; interval: BillingInterval } | null {
  for (const plan of PLANS) {
    for (const interval of INTERVALS) {
      if (priceIdFor(plan, interval, source) === priceId) return { tier: plan.tier, interval };
    }
  }
  return null;
}

/** The lookup key the setup script gives each price, so re-running it finds existing prices. */
export function lookupKey(plan: PlanDefinition, interval: BillingInterval): string {
  return `portcullis_${plan.tier}_${interval === 'month' ? 'monthly' : 'yearly'}`;
}
