import 'server-only';
import type Stripe from 'stripe';
import { systemActor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { AppError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import { metrics } from '@/lib/platform/observability/metrics';
import { recordAudit } from '@/lib/identity/audit/record';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { applyTierChange } from './apply-tier';
import { BillingNotConfiguredError, billingConfig, type BillingConfig } from './config';
import { stripeClient } from './stripe-client';
import { applySubscriptionState, snapshotOf, type ApplyContext, type SubscriptionSnapshot } from './subscription-state';

export const HANDLED_EVENTS = [
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
] as const;
type HandledEvent = (typeof HANDLED_EVENTS)[number];

export type WebhookOutcome = 'applied' | 'unchanged' | 'ignored' | 'stale' | 'duplicate';

export class WebhookSignatureError extends AppError {
  constructor(message: string) {
    super(message, 400, 'invalid_signature');
  }
}

export interface WebhookOptions {
  /** Injected clock (past_due grace is measured against it). */
  now?: Date;
  config?: BillingConfig | null;
  stripe?: Stripe;
}

/**
 * Verifies and applies one Stripe webhook delivery. The signature is checked
 * on the raw body before anything is read from it; a bad or missing one
 * throws WebhookSignatureError and nothing is written. Each event id is
 * applied exactly once: the processed-events row is inserted in the same
 * transaction as the change, so a concurrent duplicate waits on the first
 * delivery's row and then sees it (or, if the first rolled back, applies it).
 * Every delivery is counted in portcullis_webhooks_total{source="stripe"} by
 * its outcome, or bad_signature, not_configured or error when it throws.
 */
export async function processStripeWebhook(
  rawBody: string | Buffer,
  signature: string | null | undefined,
  options: WebhookOptions = {},
): Promise<{ eventId: string; type: string; outcome: WebhookOutcome }> {
  try {
    const result = await verifyAndApply(rawBody, signature, options);
    metrics.webhook('stripe', result.outcome);
    return result;
  } catch (error) {
    metrics.webhook('stripe', error instanceof WebhookSignatureError ? 'bad_signature' : error instanceof BillingNotConfiguredError ? 'not_configured' : 'error');
    throw error;
  }
}

async function verifyAndApply(
  rawBody: string | Buffer,
  signature: string | null | undefined,
  options: WebhookOptions,
): Promise<{ eventId: string; type: string; outcome: WebhookOutcome }> {
  const config = options.config === undefined ? billingConfig() : options.config;
  if (!config) throw new BillingNotConfiguredError();
  const stripe = options.stripe ?? stripeClient(config);
  if (!signature) throw new WebhookSignatureError('Missing Stripe-Signature header.');
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(rawBody, signature, config.webhookSecret);
  } catch (error) {
    throw new WebhookSignatureError(`Invalid Stripe signature: ${(error as Error).message}`);
  }
  const now = options.now ?? new Date();
  const result = (outcome: WebhookOutcome) => ({ eventId: event.id, type: event.type, outcome });

  if (await prisma.stripeEvent.findUnique({ where: { id: event.id }, select: { id: true } })) return result('duplicate');

  // Read what the event only points at before the transaction (no network inside it).
  const handled = (HANDLED_EVENTS as readonly string[]).includes(event.type);
  const fresh = handled ? await fetchSubscriptionFor(stripe, event as Stripe.Event & { type: HandledEvent }) : null;

  const outcome = await prisma.$transaction(
    async (tx) => {
      const inserted = await tx.$executeRaw`
        INSERT INTO stripe_events (id, type, created_at, processed_at)
        VALUES (${event.id}, ${event.type}, ${new Date(event.created * 1000)}, ${now})
        ON CONFLICT (id) DO NOTHING`;
      if (inserted === 0) return 'duplicate' as const;
      const outcome = handled ? await applyEvent(tx, event as Stripe.Event & { type: HandledEvent }, fresh, { now, graceDays: config.pastDueGraceDays }) : 'ignored';
      await tx.stripeEvent.update({ where: { id: event.id }, data: { outcome } });
      return outcome;
    },
    { timeout: 30_000, maxWait: 30_000 },
  );
  log.info({ stripeEventId: event.id, type: event.type, outcome }, 'stripe webhook');
  return result(outcome);
}

function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  const fromParent = invoice.parent?.subscription_details?.subscription;
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null }).subscription;
  const ref = fromParent ?? legacy ?? null;
  return ref === null ? null : typeof ref === 'string' ? ref : ref.id;
}

/** For events whose payload is not a subscription, the subscription as Stripe has it now. */
async function fetchSubscriptionFor(stripe: Stripe, event: Stripe.Event & { type: HandledEvent }): Promise<Stripe.Subscription | null> {
  let id: string | null = null;
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object as Stripe.Checkout.Session;
    id = session.mode === 'subscription' && session.subscription ? (typeof session.subscription === 'string' ? session.subscription : session.subscription.id) : null;
  } else if (event.type === 'invoice.paid' || event.type === 'invoice.payment_failed') {
    id = invoiceSubscriptionId(event.data.object as Stripe.Invoice);
  }
  return id ? stripe.subscriptions.retrieve(id) : null;
}

/** The org a subscription belongs to: its billing account's customer (the org's own), else the org id we put in its metadata. */
async function orgForSubscription(tx: Db, state: SubscriptionSnapshot): Promise<string | null> {
  const account = await tx.billingAccount.findUnique({ where: { stripeCustomerId: state.customerId }, select: { orgId: true } });
  if (account) return account.orgId;
  if (state.orgIdHint) {
    const org = await tx.organization.findUnique({ where: { id: state.orgIdHint }, select: { id: true } });
    if (org) return org.id;
  }
  return null;
}

async function applyEvent(
  tx: Db,
  event: Stripe.Event & { type: HandledEvent },
  fresh: Stripe.Subscription | null,
  clock: { now: Date; graceDays: number },
): Promise<WebhookOutcome> {
  const actor = systemActor('stripe');
  const observedAt = new Date(event.created * 1000);
  const base = { actor, now: clock.now, graceDays: clock.graceDays, stripeEventId: event.id, eventType: event.type };

  if (event.type === 'checkout.session.completed') {
    const session = event.data.object as Stripe.Checkout.Session;
    const orgId = session.client_reference_id;
    const customerId = typeof session.customer === 'string' ? session.customer : (session.customer?.id ?? null);
    if (!orgId || !customerId || !(await tx.organization.findUnique({ where: { id: orgId }, select: { id: true } }))) {
      log.warn({ stripeEventId: event.id }, 'checkout session without a known organization');
      return 'ignored';
    }
    await lockOrg(tx, orgId);
    const account = await tx.billingAccount.findUnique({ where: { orgId } });
    if (!account) {
      const taken = await tx.billingAccount.findUnique({ where: { stripeCustomerId: customerId } });
      if (taken) {
        log.warn({ stripeEventId: event.id, orgId }, 'checkout customer already belongs to another organization');
        return 'ignored';
      }
      await tx.billingAccount.create({ data: { orgId, stripeCustomerId: customerId } });
      await recordAudit(tx, actor, {
        action: 'billing.customer_link',
        target: { type: 'organization', id: orgId },
        orgId,
        after: { stripeCustomerId: customerId },
        metadata: { stripeEventId: event.id, eventType: event.type },
      });
    } else if (account.stripeCustomerId !== customerId) {
      log.warn({ stripeEventId: event.id, orgId }, 'checkout completed for a different Stripe customer than the organization has');
      return 'ignored';
    }
    if (!fresh) return 'applied';
    return applyToOrg(tx, orgId, snapshotOf(fresh), { ...base, observedAt, source: 'fresh' });
  }

  const subscription =
    event.type === 'invoice.paid' || event.type === 'invoice.payment_failed' ? fresh : (event.data.object as Stripe.Subscription);
  if (!subscription) return 'ignored'; // an invoice outside any subscription
  const state = snapshotOf(subscription);
  const orgId = await orgForSubscription(tx, state);
  if (!orgId) {
    log.warn({ stripeEventId: event.id, subscription: state.id }, 'subscription for an unknown customer');
    return 'ignored';
  }
  await lockOrg(tx, orgId);
  return applyToOrg(tx, orgId, state, { ...base, observedAt, source: subscription === fresh ? 'fresh' : 'event' });
}

/** One event's subscription state, then the org's tier decided once from it and applied. */
async function applyToOrg(tx: Db, orgId: string, state: SubscriptionSnapshot, ctx: ApplyContext): Promise<WebhookOutcome> {
  const { outcome, decision } = await applySubscriptionState(tx, orgId, state, ctx);
  if (decision) {
    await applyTierChange(tx, orgId, { actor: ctx.actor, tier: decision.tier, reason: `subscription ${state.status}`, stripeEventId: ctx.stripeEventId, now: ctx.now });
  }
  return outcome;
}
