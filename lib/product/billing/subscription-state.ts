import 'server-only';
import type Stripe from 'stripe';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import type { Db, Subscription } from '@/lib/platform/db/client';
import { log } from '@/lib/platform/log';
import { effectiveTier, type TierDecision } from './access';
import { applyTierChange } from './apply-tier';
import { isTier, tierForPrice, tierOf, type Tier } from './plans';

/** What we keep of a Stripe subscription. */
export interface SubscriptionSnapshot {
  id: string;
  customerId: string;
  status: string;
  tier: Tier;
  priceId: string;
  interval: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  orgIdHint: string | null;
}

export function snapshotOf(sub: Stripe.Subscription): SubscriptionSnapshot {
  const item = sub.items.data[0];
  const price = item?.price;
  const known = price ? tierForPrice(price.id) : null;
  const fromMetadata = price?.metadata?.portcullis_tier;
  const tier: Tier = known?.tier ?? tierOf(fromMetadata);
  if (!known && price) log.warn({ priceId: price.id, subscription: sub.id }, 'subscription price is not one of the configured plans');
  // API versions since 2025-03 keep the period on the item; older ones on the subscription.
  const periodEnd = item?.current_period_end ?? (sub as unknown as { current_period_end?: number }).current_period_end ?? null;
  return {
    id: sub.id,
    customerId: typeof sub.customer === 'string' ? sub.customer : sub.customer.id,
    status: sub.status,
    tier,
    priceId: price?.id ?? '',
    interval: price?.recurring?.interval ?? null,
    currentPeriodEnd: periodEnd ? new Date(periodEnd * 1000) : null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    orgIdHint: sub.metadata?.org_id ?? null,
  };
}

export interface ApplyContext {
  actor: Actor;
  /** Stripe's time for this state (the event's `created`), or the time it was read from the API. */
  observedAt: Date;
  /**
   * `event`: the payload is the state at observedAt; ignored when a newer
   * state was already applied. `fresh`: just re-read from the API, so it is
   * the current state and always applies.
   */
  source: 'event' | 'fresh';
  now: Date;
  graceDays: number;
  stripeEventId?: string | null;
  eventType?: string;
}

export type ApplyOutcome = 'applied' | 'stale' | 'unchanged';

export interface AppliedSubscription {
  outcome: ApplyOutcome;
  /** The org's tier with this state in place, for the caller to apply; null when stale (nothing was written). */
  decision: TierDecision | null;
}

const FIELDS = ['status', 'tier', 'priceId', 'interval', 'currentPeriodEnd', 'cancelAtPeriodEnd'] as const;

function differs(before: Subscription, after: SubscriptionSnapshot): string[] {
  return FIELDS.filter((field) => {
    const a = before[field];
    const b = after[field];
    return a instanceof Date || b instanceof Date ? (a as Date | null)?.getTime() !== (b as Date | null)?.getTime() : a !== b;
  });
}

/**
 * Brings the local copy of one subscription up to the given Stripe state,
 * audits the change, and answers the tier the org should now have; the
 * caller applies it once (applyTierChange), after all the subscriptions it
 * writes in this transaction. The org row must be locked by the caller.
 * Out-of-order events are resolved by Stripe's own clock: an event older than
 * the state already applied is stale, and a canceled subscription never comes
 * back (Stripe does not revive them).
 */
export async function applySubscriptionState(tx: Db, orgId: string, state: SubscriptionSnapshot, ctx: ApplyContext): Promise<AppliedSubscription> {
  const existing = await tx.subscription.findUnique({ where: { id: state.id } });
  if (existing && ctx.source === 'event' && ctx.observedAt < existing.stripeEventAt) return { outcome: 'stale', decision: null };
  if (existing && existing.status === 'canceled' && state.status !== 'canceled') return { outcome: 'stale', decision: null };

  const stamp = existing && existing.stripeEventAt > ctx.observedAt ? existing.stripeEventAt : ctx.observedAt;
  const pastDueSince = state.status === 'past_due' ? (existing?.status === 'past_due' ? existing.pastDueSince : null) ?? ctx.observedAt : null;
  const changedFields = existing ? differs(existing, state) : FIELDS.slice();
  const data = {
    orgId,
    status: state.status,
    tier: state.tier,
    priceId: state.priceId,
    interval: state.interval,
    currentPeriodEnd: state.currentPeriodEnd,
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    pastDueSince,
    stripeEventAt: stamp,
  };
  const saved = existing
    ? await tx.subscription.update({ where: { id: state.id }, data })
    : await tx.subscription.create({ data: { id: state.id, ...data } });

  const decision = await decideTier(tx, orgId, ctx);
  const { manualTier, subscriptionTier } = decision;
  if (changedFields.length > 0) {
    await recordAudit(tx, ctx.actor, {
      action: existing ? 'billing.subscription_update' : 'billing.subscription_create',
      target: { type: 'subscription', id: state.id },
      orgId,
      before: existing ? pick(existing) : null,
      after: pick(saved),
      metadata: {
        ...(ctx.stripeEventId ? { stripeEventId: ctx.stripeEventId, eventType: ctx.eventType } : {}),
        changed: changedFields,
        // A staff-set tier stays; the record shows what the subscription alone would grant.
        ...(manualTier && manualTier !== subscriptionTier ? { manualTierKept: manualTier, subscriptionTier } : {}),
      },
    });
  }
  return { outcome: changedFields.length > 0 ? 'applied' : 'unchanged', decision };
}

function pick(sub: Subscription) {
  return {
    status: sub.status,
    tier: sub.tier,
    priceId: sub.priceId,
    interval: sub.interval,
    currentPeriodEnd: sub.currentPeriodEnd,
    cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
    pastDueSince: sub.pastDueSince,
  };
}

/** The tier the org should have now, from its manual tier and its subscriptions as stored. The org row must be locked. */
async function decideTier(tx: Db, orgId: string, clock: { now: Date; graceDays: number }): Promise<TierDecision> {
  const org = await tx.organization.findUniqueOrThrow({ where: { id: orgId }, select: { manualTier: true } });
  const subs = await tx.subscription.findMany({ where: { orgId }, select: { status: true, tier: true, pastDueSince: true } });
  return effectiveTier(
    isTier(org.manualTier) ? org.manualTier : null,
    subs.map((sub) => ({ ...sub, tier: tierOf(sub.tier) })),
    clock.now,
    clock.graceDays,
  );
}

/** Sets the org's tier to what its manual tier or subscriptions grant now. The org row must be locked. */
export async function recomputeTier(
  tx: Db,
  orgId: string,
  ctx: { actor: Actor; now: Date; graceDays: number; reason: string; stripeEventId?: string | null },
) {
  const { tier } = await decideTier(tx, orgId, ctx);
  return applyTierChange(tx, orgId, { actor: ctx.actor, tier, reason: ctx.reason, stripeEventId: ctx.stripeEventId, now: ctx.now });
}
