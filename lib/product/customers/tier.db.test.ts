import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '@/lib/identity/auth/actor';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { recomputeTier } from '@/lib/product/billing/subscription-state';
import { prisma } from '@/lib/platform/db/client';
import { currentLicense } from '@/lib/plans/license';
import { runCli } from '@/dev/testing/cli';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { startBillingTestEnv, subscribedOrg, type BillingTestEnv } from '@/dev/testing/stripe';
import { createCustomer, updateCustomer } from './customers';
import { TIER_IS_BILLING } from './schema';

let env: BillingTestEnv;
beforeAll(async () => {
  env = await startBillingTestEnv();
});
afterAll(async () => {
  await env.stop();
});

const orgState = (id: string) => prisma.organization.findUniqueOrThrow({ where: { id }, select: { tier: true, manualTier: true } });
const auditSince = (orgId: string, afterId: bigint, action: string) => prisma.auditEvent.findMany({ where: { orgId, action, id: { gt: afterId } }, orderBy: { id: 'asc' } });

/** What every webhook, sync and grace sweep does to an org: lock it and settle its tier from the manual tier and subscriptions. */
const recompute = (orgId: string) =>
  prisma.$transaction(async (tx) => {
    await lockOrg(tx, orgId);
    return recomputeTier(tx, orgId, { actor: systemActor('billing'), now: new Date(), graceDays: 7, reason: 'test recompute' });
  });

describe('a staff tier change', () => {
  it('is a manual tier: kept by the next subscription webhook and billing sync, audited once, license re-issued once', async () => {
    const { org, sub } = await subscribedOrg(env);
    expect(await orgState(org.id)).toEqual({ tier: 'team', manualTier: null });
    const teamLicense = (await currentLicense(prisma, org.id))!;
    expect(teamLicense).toMatchObject({ tier: 'team' });
    const licensesBefore = await prisma.licenseKey.count({ where: { orgId: org.id } });
    const mark = (await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id }, orderBy: { id: 'desc' } })).id;

    // The generic edit does not take the tier: a staff tier change has one way in.
    const { actor: admin } = await createStaff('staff-admin');
    await expect(updateCustomer(admin, org.id, { tier: 'enterprise' } as never)).rejects.toThrow(TIER_IS_BILLING);
    expect(await orgState(org.id)).toEqual({ tier: 'team', manualTier: null });

    // That way, from the CLI (the customer page's and the billing page's Manual tier call the same setManualTier).
    const set = await runCli(['billing', 'manual-tier', org.slug, 'enterprise', '--reason', 'Invoiced deal, contract 7-5']);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toContain('tier is now enterprise');
    expect(await orgState(org.id)).toEqual({ tier: 'enterprise', manualTier: 'enterprise' });
    const enterpriseLicense = (await currentLicense(prisma, org.id))!;
    expect(enterpriseLicense).toMatchObject({ tier: 'enterprise' });
    expect(await prisma.licenseKey.findUniqueOrThrow({ where: { id: enterpriseLicense.id } })).toMatchObject({ replacesId: teamLicense.id, issuedBy: 'system:billing' });
    expect((await prisma.licenseKey.findUniqueOrThrow({ where: { id: teamLicense.id } })).revokedAt).not.toBeNull();

    // Stripe moves the subscription to past_due (a webhook), then cancels it without telling us (the sync finds it).
    await env.standIn.failPayment(sub.id);
    const pastDue = env.events('customer.subscription.updated').at(-1)!;
    expect(await env.deliver(pastDue)).toMatchObject({ outcome: 'applied' });
    expect(await orgState(org.id)).toEqual({ tier: 'enterprise', manualTier: 'enterprise' });
    await env.stripe.subscriptions.cancel(sub.id);
    const sync = await runCli(['billing', 'sync', '--customer', org.slug, '--json']);
    expect(sync.code).toBe(0);
    const changes = (JSON.parse(sync.stdout) as { changes: { change: string }[] }).changes.map((c) => c.change);
    expect(changes).toContain('status past_due → canceled');
    expect(changes.filter((change) => change.startsWith('tier '))).toEqual([]);
    expect(await orgState(org.id)).toEqual({ tier: 'enterprise', manualTier: 'enterprise' });
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({ status: 'canceled' });

    // Audited once: one manual tier event with the reason, one tier change, no generic customer edit.
    const manual = await auditSince(org.id, mark, 'billing.manual_tier_set');
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ actorType: 'cli', before: { manualTier: null }, after: { manualTier: 'enterprise' }, metadata: { reason: 'Invoiced deal, contract 7-5' } });
    const tierChanges = await auditSince(org.id, mark, 'billing.tier_change');
    expect(tierChanges.map((event) => [event.before, event.after])).toEqual([[{ tier: 'team' }, { tier: 'enterprise' }]]);
    expect(await auditSince(org.id, mark, 'customer.update')).toEqual([]);
    // The subscription records say the manual tier was kept over what they alone grant.
    const subscriptionUpdates = await auditSince(org.id, mark, 'billing.subscription_update');
    expect(subscriptionUpdates.length).toBeGreaterThanOrEqual(2);
    expect(subscriptionUpdates.at(-1)!.metadata).toMatchObject({ manualTierKept: 'enterprise', subscriptionTier: 'community' });

    // Re-issued once, and neither the webhook nor the sync issued another.
    expect(await prisma.licenseKey.count({ where: { orgId: org.id } })).toBe(licensesBefore + 1);
    expect(await currentLicense(prisma, org.id)).toMatchObject({ id: enterpriseLicense.id, tier: 'enterprise' });
  });

  it('at creation: a paid tier is pinned as the manual tier, so billing recomputes keep it', async () => {
    const { actor: admin } = await createStaff('staff-admin');
    const slug = uniqueSlug('invoiced');
    const org = await createCustomer(admin, { name: `Invoiced Start ${slug}`, slug, contactEmail: `ops@${slug}.test`, tier: 'enterprise' });
    expect(org).toMatchObject({ tier: 'enterprise', manualTier: 'enterprise' });
    expect(await recompute(org.id)).toMatchObject({ changed: false, to: 'enterprise' });
    // Stored as a plain tier (what an edit used to write), the first recompute would drop it.
    const unpinned = await createOrg({ tier: 'enterprise' });
    expect(await recompute(unpinned.id)).toMatchObject({ changed: true, from: 'enterprise', to: 'community' });

    // Clearing the manual tier is the way back to what the (absent) subscription grants.
    const cleared = await runCli(['billing', 'manual-tier', org.slug, 'none', '--reason', 'Contract not signed']);
    expect(cleared.code).toBe(0);
    expect(await orgState(org.id)).toEqual({ tier: 'community', manualTier: null });
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'billing.manual_tier_clear' } })).toBe(1);
  });
});
