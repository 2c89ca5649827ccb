import { describe, expect, it } from 'vitest';
import { effectiveTier, subscriptionAccess } from './access';

const now = new Date('2026-12-01T12:00:00Z');
const days = (n: number) => new Date(now.getTime() - n * 24 * 3600 * 1000);

describe('subscriptionAccess', () => {
  it('grants the paid tier while active or trialing', () => {
    expect(subscriptionAccess({ status: 'active', tier: 'team', pastDueSince: null }, now, 7)).toMatchObject({ tier: 'team', reason: 'active' });
    expect(subscriptionAccess({ status: 'trialing', tier: 'enterprise', pastDueSince: null }, now, 7)).toMatchObject({ tier: 'enterprise', reason: 'trialing' });
  });

  it('keeps the paid tier during the past_due grace period, then drops to community', () => {
    const inGrace = subscriptionAccess({ status: 'past_due', tier: 'team', pastDueSince: days(6) }, now, 7);
    expect(inGrace).toMatchObject({ tier: 'team', reason: 'past_due_grace' });
    expect(inGrace.graceEndsAt).toEqual(new Date(days(6).getTime() + 7 * 24 * 3600 * 1000));
    expect(subscriptionAccess({ status: 'past_due', tier: 'team', pastDueSince: days(7) }, now, 7)).toMatchObject({ tier: 'community', reason: 'past_due_expired' });
    expect(subscriptionAccess({ status: 'past_due', tier: 'team', pastDueSince: days(2) }, now, 1)).toMatchObject({ tier: 'community' });
  });

  it('grants nothing for canceled, unpaid and incomplete subscriptions', () => {
    for (const status of ['canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused']) {
      expect(subscriptionAccess({ status, tier: 'enterprise', pastDueSince: null }, now, 7).tier).toBe('community');
    }
  });
});

describe('effectiveTier', () => {
  it('prefers a manual tier over any subscription', () => {
    expect(effectiveTier('enterprise', [{ status: 'canceled', tier: 'team', pastDueSince: null }], now, 7)).toEqual({ tier: 'enterprise', subscriptionTier: 'community', manualTier: 'enterprise' });
    expect(effectiveTier('community', [{ status: 'active', tier: 'team', pastDueSince: null }], now, 7)).toEqual({ tier: 'community', subscriptionTier: 'team', manualTier: 'community' });
  });

  it('takes the best tier among subscriptions, community without any', () => {
    expect(effectiveTier(null, [], now, 7).tier).toBe('community');
    expect(
      effectiveTier(
        null,
        [
          { status: 'active', tier: 'team', pastDueSince: null },
          { status: 'past_due', tier: 'enterprise', pastDueSince: days(1) },
        ],
        now,
        7,
      ).tier,
    ).toBe('enterprise');
  });
});
