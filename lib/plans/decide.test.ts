import { describe, expect, it } from 'vitest';
import { FEATURES } from './catalog';
import { decideFeature, describeDecision, tierAbove, upgradeTierFor, type FeatureContext, type FlagState, type OverrideState } from './decide';
import { TIERS } from './tiers';
import { DAY } from '@/lib/platform/time';

const NOW = new Date('2027-03-01T12:00:00Z');

function flags(changes: Partial<Record<string, Partial<FlagState>>> = {}): Map<string, FlagState> {
  const map = new Map<string, FlagState>();
  for (const f of Object.values(FEATURES)) map.set(f.key, { key: f.key, label: f.label, minTier: f.minTier, kind: f.kind, enabled: true, quota: f.quota, ...changes[f.key] });
  return map;
}

function context(overrides: Partial<FeatureContext> & { tier?: string; overrideList?: OverrideState[] } = {}): FeatureContext {
  return {
    org: { id: 'org-1', tier: overrides.tier ?? 'community', licenseExpiresAt: null, ...overrides.org },
    flags: overrides.flags ?? flags(),
    overrides: new Map((overrides.overrideList ?? []).map((o) => [o.featureKey, o])),
    license: overrides.license ?? null,
    limits: overrides.limits,
    usage: overrides.usage,
  };
}

const override = (featureKey: string, enabled: boolean, expiresAt: Date | null): OverrideState => ({ featureKey, enabled, expiresAt, reason: 'trial', createdBy: 'admin@vendor.test' });

describe('decideFeature', () => {
  it('allows a feature the tier includes and names the tier a lower one needs', () => {
    expect(decideFeature(context({ tier: 'team' }), 'audit_log', NOW)).toMatchObject({ allowed: true, via: 'tier' });
    expect(decideFeature(context({ tier: 'enterprise' }), 'audit_log', NOW)).toMatchObject({ allowed: true });
    const denied = decideFeature(context({ tier: 'community' }), 'audit_log', NOW);
    expect(denied).toEqual({
      allowed: false,
      feature: 'audit_log',
      label: 'Audit logging',
      reason: { code: 'tier_required', requiredTier: 'team', currentTier: 'community' },
    });
    expect(describeDecision(denied)).toBe('Audit logging is available on the Team plan; this organization is on Community.');
    expect(decideFeature(context({ tier: 'team' }), 'sso', NOW)).toMatchObject({ allowed: false, reason: { code: 'tier_required', requiredTier: 'enterprise' } });
  });

  it('treats an unknown stored tier as Community (fails closed)', () => {
    expect(decideFeature(context({ tier: 'platinum' }), 'api_access', NOW)).toMatchObject({ allowed: false, reason: { currentTier: 'community' } });
  });

  it('honours the kill switch above everything, including overrides', () => {
    const ctx = context({ tier: 'enterprise', flags: flags({ sso: { enabled: false } }), overrideList: [override('sso', true, null)] });
    expect(decideFeature(ctx, 'sso', NOW)).toMatchObject({ allowed: false, reason: { code: 'disabled', scope: 'global' } });
  });

  it('follows a changed minimum tier', () => {
    expect(decideFeature(context({ tier: 'team', flags: flags({ sso: { minTier: 'team' } }) }), 'sso', NOW)).toMatchObject({ allowed: true });
  });

  it('grants through a live override and reports when an expired one ended', () => {
    const live = context({ overrideList: [override('sso', true, new Date(NOW.getTime() + DAY))] });
    expect(decideFeature(live, 'sso', NOW)).toMatchObject({ allowed: true, via: 'override', overrideExpiresAt: new Date(NOW.getTime() + DAY) });
    const forever = context({ overrideList: [override('sso', true, null)] });
    expect(decideFeature(forever, 'sso', NOW)).toMatchObject({ allowed: true, via: 'override' });

    const endedAt = new Date(NOW.getTime() - DAY);
    const ended = decideFeature(context({ overrideList: [override('sso', true, endedAt)] }), 'sso', NOW);
    expect(ended).toMatchObject({ allowed: false, reason: { code: 'override_expired', expiredAt: endedAt, requiredTier: 'enterprise' } });
    expect(describeDecision(ended)).toBe('Access to Single sign-on ended on Feb 28, 2027; it is included from the Enterprise plan.');
    // An expired override does not matter when the tier includes the feature anyway.
    expect(decideFeature(context({ tier: 'enterprise', overrideList: [override('sso', true, endedAt)] }), 'sso', NOW)).toMatchObject({ allowed: true, via: 'tier' });
  });

  it('withholds a feature from one customer with a disabling override, and the override expires', () => {
    const off = context({ tier: 'enterprise', overrideList: [override('sso', false, new Date(NOW.getTime() + DAY))] });
    expect(decideFeature(off, 'sso', NOW)).toMatchObject({ allowed: false, reason: { code: 'disabled', scope: 'customer', note: 'trial' } });
    const lapsed = context({ tier: 'enterprise', overrideList: [override('sso', false, new Date(NOW.getTime() - 1))] });
    expect(decideFeature(lapsed, 'sso', NOW)).toMatchObject({ allowed: true, via: 'tier' });
  });

  it('closes paid features when the license is past its grace period, keeps free ones', () => {
    const expiresAt = new Date(NOW.getTime() - 10 * DAY);
    const inGrace = context({ tier: 'enterprise', license: { expiresAt, graceDays: 14 } });
    expect(decideFeature(inGrace, 'sso', NOW)).toMatchObject({ allowed: true });
    const pastGrace = context({ tier: 'enterprise', license: { expiresAt, graceDays: 7 } });
    expect(decideFeature(pastGrace, 'sso', NOW)).toMatchObject({ allowed: false, reason: { code: 'license_expired', expiredAt: expiresAt } });
    expect(decideFeature(pastGrace, 'registry_access', NOW)).toMatchObject({ allowed: true });
    // Without a license row the org's recorded expiry applies, without grace.
    const orgExpired = context({ tier: 'team', org: { id: 'o', tier: 'team', licenseExpiresAt: new Date(NOW.getTime() - 1) } });
    expect(decideFeature(orgExpired, 'audit_log', NOW)).toMatchObject({ allowed: false, reason: { code: 'license_expired' } });
  });

  it('denies a quota-bound feature at its limit and names the tier with room', () => {
    const base = { tier: 'community', limits: TIERS.community.limits };
    expect(decideFeature(context({ ...base, usage: { pulls_per_month: 499 } }), 'registry_access', NOW)).toMatchObject({ allowed: true });
    const full = decideFeature(context({ ...base, usage: { pulls_per_month: 500 } }), 'registry_access', NOW);
    expect(full).toMatchObject({ allowed: false, reason: { code: 'quota_exceeded', quota: 'pulls_per_month', used: 500, limit: 500, requiredTier: 'team' } });
    expect(!full.allowed && upgradeTierFor(full.reason)).toBe('team');
    // Unlimited on Team.
    expect(decideFeature(context({ tier: 'team', limits: TIERS.team.limits, usage: { pulls_per_month: 10_000_000 } }), 'registry_access', NOW)).toMatchObject({ allowed: true });
  });

  it('answers unknown_feature for a feature that does not exist', () => {
    expect(decideFeature(context(), 'teleportation', NOW)).toMatchObject({ allowed: false, reason: { code: 'unknown_feature' } });
  });

  it('picks the next tier with room for a quota', () => {
    expect(tierAbove('community', 'seats', 3)).toBe('team');
    expect(tierAbove('community', 'seats', 30)).toBe('enterprise');
    expect(tierAbove('enterprise', 'seats', 3)).toBeNull();
  });
});
