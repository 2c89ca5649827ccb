import 'server-only';
import { FREE_TIER, maxTier, type Tier } from './plans';
import { DAY as DAY_MS } from '@/lib/platform/time';

export type AccessReason = 'active' | 'trialing' | 'past_due_grace' | 'past_due_expired' | 'ended' | 'incomplete';

export interface SubscriptionAccessInput {
  status: string;
  tier: Tier;
  pastDueSince: Date | null;
}

export interface SubscriptionAccess {
  tier: Tier;
  reason: AccessReason;
  /** While in past_due grace: when access ends. */
  graceEndsAt: Date | null;
}

/**
 * What a subscription's Stripe status grants: active and trialing the paid
 * tier; past_due the paid tier for a grace period, then nothing; canceled,
 * unpaid, incomplete and the rest nothing (the free tier).
 */
export function subscriptionAccess(sub: SubscriptionAccessInput, now: Date, graceDays: number): SubscriptionAccess {
  switch (sub.status) {
    case 'active':
    case 'trialing':
      return { tier: sub.tier, reason: sub.status, graceEndsAt: null };
    case 'past_due': {
      const since = sub.pastDueSince ?? now;
      const graceEndsAt = new Date(since.getTime() + graceDays * DAY_MS);
      return now < graceEndsAt
        ? { tier: sub.tier, reason: 'past_due_grace', graceEndsAt }
        : { tier: FREE_TIER, reason: 'past_due_expired', graceEndsAt };
    }
    case 'incomplete':
      return { tier: FREE_TIER, reason: 'incomplete', graceEndsAt: null };
    default: // canceled, unpaid, incomplete_expired, paused
      return { tier: FREE_TIER, reason: 'ended', graceEndsAt: null };
  }
}

export interface TierDecision {
  /** The tier the organization should have. */
  tier: Tier;
  /** What its subscriptions alone grant (differs from `tier` while a manual tier overrides them). */
  subscriptionTier: Tier;
  manualTier: Tier | null;
}

/**
 * The tier an organization should have: a staff-set manual tier wins
 * (invoiced deals); otherwise the best access any of its subscriptions grants.
 */
export function effectiveTier(manualTier: Tier | null, subscriptions: SubscriptionAccessInput[], now: Date, graceDays: number): TierDecision {
  const subscriptionTier = subscriptions.reduce<Tier>((best, sub) => maxTier(best, subscriptionAccess(sub, now, graceDays).tier), FREE_TIER);
  return { tier: manualTier ?? subscriptionTier, subscriptionTier, manualTier };
}
