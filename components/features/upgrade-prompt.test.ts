import { describe, expect, it } from 'vitest';
import { callToAction, type Denied } from './upgrade-prompt';

const denied = (reason: Denied['reason']): Denied => ({ allowed: false, feature: 'x', label: 'X', reason });

describe('UpgradeGate call to action', () => {
  it('sends Team upgrades to billing checkout with the tier chosen', () => {
    expect(callToAction(denied({ code: 'tier_required', requiredTier: 'team', currentTier: 'community' }), 'acme', 'mailto:sales@v.test')).toEqual({
      kind: 'upgrade',
      label: 'Upgrade to Team',
      href: '/portal/acme/billing?upgrade=team',
    });
    expect(callToAction(denied({ code: 'override_expired', requiredTier: 'team', expiredAt: new Date() }), 'acme', 'mailto:s@v.test').href).toBe('/portal/acme/billing?upgrade=team');
  });

  it('sends Enterprise to sales, renewals to sales, and offers no upgrade for a switched-off feature', () => {
    const sales = callToAction(denied({ code: 'tier_required', requiredTier: 'enterprise', currentTier: 'team' }), 'acme', 'mailto:sales@v.test');
    expect(sales).toMatchObject({ kind: 'contact_sales', label: 'Contact sales' });
    expect(sales.href).toMatch(/^mailto:sales@v\.test\?subject=Enterprise%20plan%20for%20acme/);
    expect(callToAction(denied({ code: 'tier_required', requiredTier: 'enterprise', currentTier: 'team' }), 'acme', 'https://vendor.test/sales').href).toBe('https://vendor.test/sales');
    expect(callToAction(denied({ code: 'license_expired', expiredAt: new Date() }), 'acme', 'mailto:s@v.test')).toMatchObject({ kind: 'renew' });
    expect(callToAction(denied({ code: 'disabled', scope: 'global' }), 'acme', 'mailto:s@v.test')).toMatchObject({ kind: 'contact_support' });
    expect(callToAction(denied({ code: 'quota_exceeded', quota: 'seats', used: 3, limit: 3, requiredTier: 'team' }), 'acme', 'mailto:s@v.test')).toMatchObject({ kind: 'upgrade' });
  });
});
