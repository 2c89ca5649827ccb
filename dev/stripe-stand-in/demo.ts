import { randomBytes } from 'node:crypto';
import { ensureCatalog } from '@/lib/product/billing/catalog';
import { PLANS, selfServe } from '@/lib/product/billing/plans';
import { createStripe } from '@/lib/product/billing/stripe-client';
import { startStripeStandIn, type StripeStandIn } from './server';

/**
 * For `npm run demo` without Stripe keys: starts the local Stripe stand-in,
 * creates the plans' products and prices in it, and points this process's
 * billing configuration at it (test mode, clearly labeled in the UI). With
 * STRIPE_SECRET_KEY set, the demo uses that account instead and this is not called.
 */
export async function startDemoStripe(portalUrl: string): Promise<StripeStandIn> {
  const secret = `whsec_demo_${randomBytes(18).toString('hex')}`;
  const port = process.env.STRIPE_STAND_IN_PORT ? Number(process.env.STRIPE_STAND_IN_PORT) : 0;
  const standIn = await startStripeStandIn({ port, webhook: { url: `${portalUrl}/api/webhooks/stripe`, secret } });
  const key = 'sk_test_portcullis_demo';
  const { env } = await ensureCatalog(createStripe(key, standIn.url));
  // Enterprise stays "contact sales" in the demo, as the plans say.
  for (const plan of PLANS) {
    if (!selfServe(plan.tier)) for (const name of Object.values(plan.priceEnv)) delete env[name];
  }
  Object.assign(process.env, env, {
    STRIPE_SECRET_KEY: key,
    STRIPE_WEBHOOK_SECRET: secret,
    STRIPE_API_BASE: standIn.url,
    STRIPE_STAND_IN: '1',
  });
  return standIn;
}
