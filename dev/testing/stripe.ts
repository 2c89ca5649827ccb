import Stripe from 'stripe';
import { ensureCatalog } from '@/lib/product/billing/catalog';
import { startCheckout } from '@/lib/product/billing/checkout';
import type { BillingInterval } from '@/lib/product/billing/plans';
import { createStripe } from '@/lib/product/billing/stripe-client';
import { processStripeWebhook, type WebhookOptions } from '@/lib/product/billing/webhooks';
import { startStripeStandIn, type StripeStandIn } from '@/dev/stripe-stand-in/server';
import { createMember, createOrg } from './factories';

export const TEST_WEBHOOK_SECRET = 'whsec_portcullis_test_secret';

export interface BillingTestEnv {
  standIn: StripeStandIn;
  stripe: Stripe;
  prices: Record<string, string>;
  /** Signs an event as Stripe does and hands it to the webhook service. */
  deliver(event: { id: string }, options?: WebhookOptions): ReturnType<typeof processStripeWebhook>;
  /** The stand-in's events of a type, oldest first. */
  events(type?: string): (Record<string, unknown> & { id: string; type: string; created: number })[];
  stop(): Promise<void>;
}

/**
 * Billing tests run the real `stripe` library against the local stand-in,
 * with the portal's environment pointing at it (this test file's process).
 * Webhooks are not sent by the stand-in here: tests deliver them, so they
 * control duplicates and order.
 */
export async function startBillingTestEnv(): Promise<BillingTestEnv> {
  const standIn = await startStripeStandIn();
  const stripe = createStripe('sk_test_portcullis', standIn.url);
  const { env } = await ensureCatalog(stripe);
  Object.assign(process.env, env, {
    STRIPE_SECRET_KEY: 'sk_test_portcullis',
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    STRIPE_API_BASE: standIn.url,
    PUBLIC_URL: 'http://portal.test',
  });
  return {
    standIn,
    stripe,
    prices: env,
    deliver(event, options) {
      const payload = JSON.stringify(event, null, 2);
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_WEBHOOK_SECRET });
      return processStripeWebhook(payload, signature, options);
    },
    events(type) {
      return standIn.events.filter((event) => !type || event.type === type) as never;
    },
    stop: () => standIn.stop(),
  };
}

/** A Community org whose owner bought Team through Checkout on the stand-in, every webhook delivered: an active subscription and a Team license. */
export async function subscribedOrg(env: BillingTestEnv, interval: BillingInterval = 'month') {
  const org = await createOrg({ tier: 'community' });
  const owner = await createMember(org.id, 'owner');
  const { sessionId } = await startCheckout(owner.actor, { org: org.slug, tier: 'team', interval });
  const before = env.standIn.events.length;
  const sub = await env.standIn.completeCheckout(sessionId);
  for (const event of env.standIn.events.slice(before)) await env.deliver(event);
  return { org, owner, sub };
}
