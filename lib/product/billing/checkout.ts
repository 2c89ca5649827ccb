import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { publicUrl } from '@/lib/platform/config/public-url';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ValidationError } from '@/lib/platform/errors';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { INTERVALS, PLANS, planFor, priceIdFor, selfServe, type BillingInterval } from './plans';
import { billingConfig, requireBillingConfig } from './config';
import { stripeClient } from './stripe-client';
import { env } from '@/lib/platform/config/env';

export const checkoutSchema = z.object({
  org: z.string().min(1),
  tier: z.enum(PLANS.map((plan) => plan.tier) as [string, ...string[]], { message: 'Choose a plan.' }),
  interval: z.enum(INTERVALS as [BillingInterval, ...BillingInterval[]], { message: 'Choose monthly or yearly billing.' }).default('month'),
});
export type CheckoutInput = z.input<typeof checkoutSchema>;

const LIVE_STATUSES = ['active', 'trialing', 'past_due', 'unpaid', 'incomplete'];

function billingPageUrl(slug: string, query = '', origin = publicUrl()): string {
  return `${origin}/portal/${encodeURIComponent(slug)}/billing${query}`;
}

/**
 * Where Stripe sends the browser back to: PUBLIC_URL when configured;
 * otherwise the origin the user is on (so the demo works on any host/port
 * and the session cookie comes along).
 */
export function returnOrigin(requestHeaders: Headers): string {
  if (env('PUBLIC_URL') || env('AUTH_URL')) return publicUrl();
  const host = requestHeaders.get('x-forwarded-host') ?? requestHeaders.get('host');
  if (!host || !/^[\w.-]+(:\d+)?$|^\[[\da-f:]+\](:\d+)?$/i.test(host)) return publicUrl();
  const proto = requestHeaders.get('x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}

/**
 * The org's Stripe customer, created on first use and reused after. The
 * idempotency key makes concurrent first uses get the same customer from
 * Stripe; the unique org id then keeps one billing account row.
 */
async function ensureStripeCustomer(actor: Actor, org: { id: string; name: string; slug: string; contactEmail: string }): Promise<string> {
  const existing = await prisma.billingAccount.findUnique({ where: { orgId: org.id } });
  if (existing) return existing.stripeCustomerId;
  const stripe = stripeClient();
  const customer = await stripe.customers.create(
    { name: org.name, email: org.contactEmail, metadata: { org_id: org.id, org_slug: org.slug } },
    { idempotencyKey: `portcullis-customer-${org.id}` },
  );
  return prisma.$transaction(async (tx) => {
    const inserted = await tx.$executeRaw`
      INSERT INTO billing_accounts (org_id, stripe_customer_id) VALUES (${org.id}, ${customer.id})
      ON CONFLICT (org_id) DO NOTHING`;
    if (inserted) {
      await recordAudit(tx, actor, {
        action: 'billing.customer_create',
        target: { type: 'organization', id: org.id },
        orgId: org.id,
        after: { stripeCustomerId: customer.id },
      });
    }
    return (await tx.billingAccount.findUniqueOrThrow({ where: { orgId: org.id } })).stripeCustomerId;
  });
}

/** Creates a Stripe Checkout Session for a plan and answers its URL (the caller redirects there). */
/**
 * Whether an upgrade to `tier` can go straight into Stripe Checkout in one
 * click: billing configured, the plan sold by checkout with a monthly price,
 * the org not on a contract, and no subscription already (which changes in
 * the billing portal instead). Permission is checked when the click comes.
 */
export async function oneClickCheckout(orgId: string, tier: string): Promise<boolean> {
  const plan = planFor(tier);
  if (!billingConfig() || !plan || !selfServe(plan.tier) || !priceIdFor(plan, 'month')) return false;
  const org = await prisma.organization.findUnique({ where: { id: orgId }, select: { manualTier: true } });
  if (!org || org.manualTier) return false;
  return !(await prisma.subscription.findFirst({ where: { orgId, status: { in: LIVE_STATUSES } }, select: { id: true } }));
}

export async function startCheckout(actor: Actor, input: CheckoutInput, origin = publicUrl()): Promise<{ url: string; sessionId: string }> {
  const { org: slug, tier, interval } = checkoutSchema.parse(input);
  const { org } = await authorizeOrg(prisma, actor, { slug }, { org: 'billing.manage', staff: 'billing.manage' });
  requireBillingConfig();
  const plan = planFor(tier)!; // the schema allows only the plans' tiers
  const priceId = priceIdFor(plan, interval);
  if (!priceId) {
    throw ValidationError.field('tier', selfServe(plan.tier) ? `${plan.name} cannot be bought ${interval}ly yet.` : `${plan.name} is sold by our sales team: contact us.`);
  }
  if (org.manualTier) throw new ConflictError('Your plan is managed by your account team under a contract. Contact them to change it.');
  const live = await prisma.subscription.findFirst({ where: { orgId: org.id, status: { in: LIVE_STATUSES } } });
  if (live) throw new ConflictError('You already have a subscription. Change or cancel it in the billing portal.');

  const customer = await ensureStripeCustomer(actor, org);
  const session = await stripeClient().checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: org.id,
    line_items: [{ price: priceId, quantity: 1 }],
    success_url: billingPageUrl(org.slug, '?checkout=success&session_id={CHECKOUT_SESSION_ID}', origin),
    cancel_url: billingPageUrl(org.slug, `?checkout=canceled&upgrade=${tier}`, origin),
    subscription_data: { metadata: { org_id: org.id } },
    metadata: { org_id: org.id, tier, interval },
  });
  if (!session.url) throw new Error('Stripe returned a Checkout Session without a URL');
  await prisma.$transaction(async (tx) => {
    await recordAudit(tx, actor, {
      action: 'billing.checkout_start',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      metadata: { checkoutSessionId: session.id, tier, interval, priceId },
    });
  });
  return { url: session.url, sessionId: session.id };
}

/** A Stripe billing-portal session for the org's customer (change plan, payment method, cancel). */
export async function openBillingPortal(actor: Actor, slug: string, origin = publicUrl()): Promise<{ url: string }> {
  const { org } = await authorizeOrg(prisma, actor, { slug }, { org: 'billing.manage', staff: 'billing.manage' });
  requireBillingConfig();
  const account = await prisma.billingAccount.findUnique({ where: { orgId: org.id } });
  if (!account) throw new ConflictError('There is no subscription to manage yet. Choose a plan first.');
  const session = await stripeClient().billingPortal.sessions.create({ customer: account.stripeCustomerId, return_url: billingPageUrl(org.slug, '', origin) });
  await prisma.$transaction(async (tx) => {
    await recordAudit(tx, actor, { action: 'billing.portal_open', target: { type: 'organization', id: org.id }, orgId: org.id, metadata: { portalSessionId: session.id } });
  });
  return { url: session.url };
}
