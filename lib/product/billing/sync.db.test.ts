import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { runCli } from '@/dev/testing/cli';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { startBillingTestEnv, subscribedOrg, type BillingTestEnv } from '@/dev/testing/stripe';
import { oneClickCheckout, startCheckout } from './checkout';
import { setManualTier } from './staff';

let env: BillingTestEnv;
beforeAll(async () => {
  env = await startBillingTestEnv();
});
afterAll(async () => {
  await env.stop();
});

const tierOf = async (id: string) => (await prisma.organization.findUniqueOrThrow({ where: { id } })).tier;

describe('portcullis billing sync', () => {
  it('corrects drift from missed webhooks and reports it; a second run finds none', async () => {
    const { org, sub } = await subscribedOrg(env, 'year');
    expect(await tierOf(org.id)).toBe('team');
    // Stripe cancels; the webhook never reaches us.
    await env.stripe.subscriptions.cancel(sub.id);

    const dry = await runCli(['billing', 'sync', '--customer', org.slug, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run');
    expect(dry.stdout).toContain('status active → canceled');
    expect(await tierOf(org.id)).toBe('team');

    const run = await runCli(['billing', 'sync', '--customer', org.slug, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { changes: { org: string; change: string }[] };
    expect(report.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ org: org.slug, change: 'status active → canceled' }),
        expect.objectContaining({ org: org.slug, change: 'tier team → community' }),
      ]),
    );
    expect(await tierOf(org.id)).toBe('community');
    const audit = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: 'billing.tier_change' }, orderBy: { id: 'asc' } });
    expect(audit.at(-1)).toMatchObject({ actorType: 'cli', after: { tier: 'community' } });

    const again = await runCli(['billing', 'sync', '--customer', org.slug]);
    expect(again.stdout).toContain('No drift');
  });

  it('restores a subscription whose creation webhook was lost', async () => {
    const org = await createOrg({ tier: 'community' });
    const owner = await createMember(org.id, 'owner');
    const { sessionId } = await startCheckout(owner.actor, { org: org.slug, tier: 'team' });
    await env.standIn.completeCheckout(sessionId); // no webhook delivered at all
    const run = await runCli(['billing', 'sync', '--customer', org.slug]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/added \(active, team\)/);
    expect(await tierOf(org.id)).toBe('team');
  });

  it('settles the tier once after all subscriptions, never passing through a lower tier', async () => {
    const org = await createOrg({ tier: 'community' });
    const owner = await createMember(org.id, 'owner');
    // An older subscription whose webhooks were all lost, and a newer one we know about.
    const older = await startCheckout(owner.actor, { org: org.slug, tier: 'team' });
    await env.standIn.completeCheckout(older.sessionId);
    const newer = await startCheckout(owner.actor, { org: org.slug, tier: 'team' });
    const before = env.standIn.events.length;
    const sub = await env.standIn.completeCheckout(newer.sessionId);
    for (const event of env.standIn.events.slice(before)) await env.deliver(event);
    expect(await tierOf(org.id)).toBe('team');
    const licenses = await prisma.licenseKey.count({ where: { orgId: org.id } });
    // The newer one ends (webhook lost); Stripe lists it first, the older one still active after it.
    await env.stripe.subscriptions.cancel(sub.id);

    const run = await runCli(['billing', 'sync', '--customer', org.slug, '--json']);
    expect(run.code).toBe(0);
    expect(await prisma.subscription.count({ where: { orgId: org.id, status: 'active' } })).toBe(1);
    expect(await tierOf(org.id)).toBe('team');
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'billing.tier_change' } })).toBe(1); // the first upgrade only
    expect(await prisma.licenseKey.count({ where: { orgId: org.id } })).toBe(licenses);
  });

  it('sets and clears a manual tier, refusing bad input', async () => {
    const org = await createOrg({ tier: 'community' });
    const set = await runCli(['billing', 'manual-tier', org.slug, 'enterprise', '--reason', 'PO 7781']);
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toContain('tier is now enterprise');
    expect(await tierOf(org.id)).toBe('enterprise');
    const bad = await runCli(['billing', 'manual-tier', org.slug, 'platinum', '--reason', 'PO 7781']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^portcullis: tier: /);
    const unknown = await runCli(['billing', 'manual-tier', 'no-such-org', 'team', '--reason', 'PO 7781']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'portcullis: No customer with slug "no-such-org"\n' });
    const clear = await runCli(['billing', 'manual-tier', org.slug, 'none', '--reason', 'contract over']);
    expect(clear.stdout).toContain('tier is now community');
  });
});

describe('one-click upgrades', () => {
  it('go straight into Checkout only for a self-serve plan, an org without a subscription or contract', async () => {
    const org = await createOrg({ tier: 'community' });
    expect(await oneClickCheckout(org.id, 'team')).toBe(true);
    // Enterprise is sold by sales; the top tier has nothing to buy.
    expect(await oneClickCheckout(org.id, 'enterprise')).toBe(false);
    expect(await oneClickCheckout(org.id, 'nonsense')).toBe(false);
    // Subscribed: plan changes go through the billing portal instead.
    const { org: subscribed } = await subscribedOrg(env);
    expect(await oneClickCheckout(subscribed.id, 'team')).toBe(false);
    // On a contract (manual tier): the account team changes it.
    const contract = await createOrg({ tier: 'community' });
    await setManualTier((await createStaff('staff-billing')).actor, { orgId: contract.id, tier: 'community', reason: 'pilot under contract' });
    expect(await oneClickCheckout(contract.id, 'team')).toBe(false);
  });
});

