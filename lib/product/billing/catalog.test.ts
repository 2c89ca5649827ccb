import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeStandIn, type StripeStandIn } from '@/dev/stripe-stand-in/server';
import { ensureCatalog } from './catalog';
import { INTERVALS, lookupKey, PLANS } from './plans';
import { createStripe } from './stripe-client';

/** `npm run stripe:setup`'s work, through the real `stripe` library against the local stand-in. */
describe('ensureCatalog', () => {
  let standIn: StripeStandIn;
  beforeAll(async () => {
    standIn = await startStripeStandIn();
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  it('creates a product and a monthly and yearly price per plan, then reuses them on a second run', async () => {
    const stripe = createStripe('sk_test_catalog', standIn.url);
    const first = await ensureCatalog(stripe);
    expect(first.created).toHaveLength(PLANS.length * INTERVALS.length);
    expect(first.reused).toEqual([]);
    for (const plan of PLANS) {
      for (const interval of INTERVALS) {
        const price = await stripe.prices.retrieve(first.env[plan.priceEnv[interval]]!);
        expect(price).toMatchObject({ lookup_key: lookupKey(plan, interval), unit_amount: plan.amounts[interval], currency: plan.currency, recurring: { interval } });
      }
    }

    const second = await ensureCatalog(stripe);
    expect(second.created).toEqual([]);
    expect(second.reused).toHaveLength(PLANS.length * INTERVALS.length);
    expect(second.env).toEqual(first.env);
  });
});
