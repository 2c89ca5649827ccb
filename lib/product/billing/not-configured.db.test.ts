import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { POST as stripeWebhookRoute } from '@/app/api/webhooks/stripe/route';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { oneClickCheckout, openBillingPortal, startCheckout } from './checkout';
import { getOrgBilling } from './overview';
import { syncBilling } from './sync';
import { processStripeWebhook } from './webhooks';

// This file's process has no Stripe keys: billing is not configured.
describe('billing without Stripe keys', () => {
  it('says so on the billing page data, refuses Checkout, the portal, sync and webhooks with one 503, and writes nothing', async () => {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    const org = await createOrg({ tier: 'community' });
    const owner = await createMember(org.id, 'owner');
    const billing = await getOrgBilling(owner.actor, org.slug);
    expect(billing).toMatchObject({ configured: false, subscription: null, hasCustomer: false, canManage: true, invoices: [] });
    expect(billing.offers.map((offer) => offer.plan.tier)).toEqual(['team', 'enterprise']);

    const notConfigured = {
      status: 503,
      code: 'billing_not_configured',
      message: 'Billing is not configured on this server: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are not set.',
    };
    await expect(startCheckout(owner.actor, { org: org.slug, tier: 'team' })).rejects.toMatchObject(notConfigured);
    // Upgrade buttons then lead to the billing page, which says why, not into a Checkout that cannot open.
    expect(await oneClickCheckout(org.id, 'team')).toBe(false);
    await expect(openBillingPortal(owner.actor, org.slug)).rejects.toMatchObject(notConfigured);
    await expect(syncBilling((await createStaff('staff-billing')).actor)).rejects.toMatchObject(notConfigured);
    await expect(processStripeWebhook('{}', 't=1,v1=x')).rejects.toMatchObject(notConfigured);
    const response = await stripeWebhookRoute(new Request('http://portal.test/api/webhooks/stripe', { method: 'POST', body: '{}', headers: { 'stripe-signature': 't=1,v1=x' } }));
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({ type: 'about:blank', title: 'Unavailable', status: 503, detail: notConfigured.message });
    expect(await prisma.billingAccount.count({ where: { orgId: org.id } })).toBe(0);
  });

  it('lets members with billing.view read it, and hides it from other tenants', async () => {
    const org = await createOrg();
    const viewer = await createMember(org.id, 'viewer');
    const admin = await createMember(org.id, 'admin');
    const stranger = await createMember((await createOrg()).id, 'owner');
    await expect(getOrgBilling(viewer.actor, org.slug)).rejects.toMatchObject({ status: 403 });
    expect((await getOrgBilling(admin.actor, org.slug)).canManage).toBe(false);
    await expect(getOrgBilling(stranger.actor, org.slug)).rejects.toMatchObject({ status: 404 });
  });
});
