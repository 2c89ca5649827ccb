import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db/client';
import { createMember, createOrg } from '@/lib/testing/factories';
import { startCheckout } from './checkout';
import { getOrgBilling } from './overview';
import { processStripeWebhook } from './webhooks';

// This file's process has no Stripe keys: billing is not configured.
describe('billing without Stripe keys', () => {
  it('says so on the billing page data, refuses Checkout and webhooks, and writes nothing', async () => {
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    const org = await createOrg({ tier: 'community' });
    const owner = await createMember(org.id, 'owner');
    const billing = await getOrgBilling(owner.actor, org.slug);
    expect(billing).toMatchObject({ configured: false, subscription: null, hasCustomer: false, canManage: true, invoices: [] });
    expect(billing.offers.map((offer) => offer.plan.tier)).toEqual(['team', 'enterprise']);

    await expect(startCheckout(owner.actor, { org: org.slug, tier: 'team' })).rejects.toThrow('Billing is not configured');
    await expect(processStripeWebhook('{}', 't=1,v1=x')).rejects.toMatchObject({ status: 503 });
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
