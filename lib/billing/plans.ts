/**
 * Which tiers can be bought, and the Stripe prices that buy them. Price ids
 * come from the environment (`npm run stripe:setup` creates the products and
 * prices in a Stripe account and prints these lines).
 */
export const TIER_ORDER = ['community', 'team', 'enterprise'] as const;
export type Tier = (typeof TIER_ORDER)[number];
export const FREE_TIER: Tier = 'community';

export type BillingInterval = 'month' | 'year';
export const INTERVALS: readonly BillingInterval[] = ['month', 'year'];

export interface PlanDefinition {
  tier: Exclude<Tier, 'community'>;
  name: string;
  description: string;
  /** Used by the setup script when it creates the prices (in cents). */
  amounts: Record<BillingInterval, number>;
  currency: string;
  /** Environment variables holding the Stripe price ids. */
  priceEnv: Record<BillingInterval, string>;
  highlights: string[];
  /** Enterprise is sold by the sales team unless its prices are configured. */
  selfServe: boolean;
}

export const PLANS: readonly PlanDefinition[] = [
  {
    tier: 'team',
    name: 'Team',
    description: 'For teams running the product in production.',
    amounts: { month: 4900, year: 49000 },
    currency: 'usd',
    priceEnv: { month: 'STRIPE_PRICE_TEAM_MONTHLY', year: 'STRIPE_PRICE_TEAM_YEARLY' },
    highlights: ['SSO (SAML and OIDC)', 'Audit logging', 'Up to 25 users', 'Email support'],
    selfServe: true,
  },
  {
    tier: 'enterprise',
    name: 'Enterprise',
    description: 'For organizations with compliance and scale needs.',
    amounts: { month: 49900, year: 499000 },
    currency: 'usd',
    priceEnv: { month: 'STRIPE_PRICE_ENTERPRISE_MONTHLY', year: 'STRIPE_PRICE_ENTERPRISE_YEARLY' },
    highlights: ['Everything in Team', 'IP allowlisting and data retention', 'Unlimited users', 'Dedicated support'],
    selfServe: false,
  },
];

export function isTier(value: unknown): value is Tier {
  return typeof value === 'string' && (TIER_ORDER as readonly string[]).includes(value);
}

export function tierRank(tier: string): number {
  const index = (TIER_ORDER as readonly string[]).indexOf(tier);
  return index < 0 ? 0 : index;
}

export function tierLabel(tier: string): string {
  return tier ? tier[0]!.toUpperCase() + tier.slice(1) : tier;
}

/** The higher of two tiers. */
export function maxTier(a: Tier, b: Tier): Tier {
  return tierRank(a) >= tierRank(b) ? a : b;
}

export function planFor(tier: string): PlanDefinition | undefined {
  return PLANS.find((plan) => plan.tier === tier);
}

export function priceIdFor(plan: PlanDefinition, interval: BillingInterval, env: NodeJS.ProcessEnv = process.env): string | null {
  return env[plan.priceEnv[interval]] || null;
}

/** A plan can be bought online when its prices exist; Enterprise only when the vendor configured its prices. */
export function purchasable(plan: PlanDefinition, env: NodeJS.ProcessEnv = process.env): boolean {
  return INTERVALS.some((interval) => priceIdFor(plan, interval, env) !== null);
}

/** Maps a Stripe price id back to the tier and interval it sells; null for prices we do not know. */
export function tierForPrice(priceId: string, env: NodeJS.ProcessEnv = process.env): { tier: Tier; interval: BillingInterval } | null {
  for (const plan of PLANS) {
    for (const interval of INTERVALS) {
      if (priceIdFor(plan, interval, env) === priceId) return { tier: plan.tier, interval };
    }
  }
  return null;
}

/** The lookup key the setup script gives each price, so re-running it finds existing prices. */
export function lookupKey(plan: PlanDefinition, interval: BillingInterval): string {
  return `portcullis_${plan.tier}_${interval === 'month' ? 'monthly' : 'yearly'}`;
}
