import 'server-only';
import type Stripe from 'stripe';
import { INTERVALS, lookupKey, PLANS, tierSummary } from './plans';

export interface CatalogResult {
  /** Environment lines to configure the portal with, e.g. STRIPE_PRICE_TEAM_MONTHLY=price_... */
  env: Record<string, string>;
  created: string[];
  reused: string[];
}

/**
 * Creates the products and recurring prices for every plan in a Stripe
 * account (a test account, or the local stand-in), or finds them by lookup
 * key when they exist, so running it twice changes nothing.
 */
export async function ensureCatalog(stripe: Stripe, options: { plans?: typeof PLANS } = {}): Promise<CatalogResult> {
  const plans = options.plans ?? PLANS;
  const result: CatalogResult = { env: {}, created: [], reused: [] };
  const keys = plans.flatMap((plan) => INTERVALS.map((interval) => lookupKey(plan, interval)));
  const existing = await stripe.prices.list({ lookup_keys: keys, active: true, limit: 100 });
  const byKey = new Map(existing.data.map((price) => [price.lookup_key, price]));

  for (const plan of plans) {
    let productId: string | null = null;
    for (const interval of INTERVALS) {
      const key = lookupKey(plan, interval);
      const found = byKey.get(key);
      if (found) {
        result.env[plan.priceEnv[interval]] = found.id;
        result.reused.push(`${key} (${found.id})`);
        productId ??= typeof found.product === 'string' ? found.product : found.product.id;
        continue;
      }
      productId ??= (
        await stripe.products.create({ name: `Portcullis ${plan.name}`, description: tierSummary(plan.tier).description, metadata: { portcullis_tier: plan.tier } })
      ).id;
      const price = await stripe.prices.create({
        product: productId,
        currency: plan.currency,
        unit_amount: plan.amounts[interval],
        recurring: { interval },
        lookup_key: key,
        nickname: `${plan.name} ${interval === 'month' ? 'monthly' : 'yearly'}`,
        metadata: { portcullis_tier: plan.tier },
      });
      result.env[plan.priceEnv[interval]] = price.id;
      result.created.push(`${key} (${price.id})`);
    }
  }
  return result;
}
