import fs from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { retentionDays } from '@/lib/identity/audit/retention';
import { currentLicense, getFeatureDecision, orgLimits } from '@/lib/plans/license';
import { issueLicense } from '@/lib/product/licensing/issue';
import { licenseToken } from '@/lib/product/licensing/read';
import { entitlementsResponse } from '@/lib/product/licensing/online';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { startBillingTestEnv, TEST_WEBHOOK_SECRET, type BillingTestEnv } from '@/dev/testing/stripe';
import { GET as metricsRoute } from '@/app/api/metrics/route';
import { POST as stripeWebhookRoute } from '@/app/api/webhooks/stripe/route';
import { effectiveTier } from './access';
import { startCheckout } from './checkout';
import { enforcePastDueGrace } from './grace';
import { setManualTier } from './staff';
import { processStripeWebhook } from './webhooks';
import { DAY } from '@/lib/platform/time';

// The real tier rule, watched: a webhook decides the tier once per event.
vi.mock('./access', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./access')>();
  return { ...actual, effectiveTier: vi.fn(actual.effectiveTier) };
});

let env: BillingTestEnv;
beforeAll(async () => {
  env = await startBillingTestEnv();
});
afterAll(async () => {
  await env.stop();
});

/** A community org whose owner went through Checkout on the stand-in; the webhooks are not delivered yet. */
async function checkedOutOrg(tier: 'team' | 'enterprise' = 'team') {
  const org = await createOrg({ tier: 'community' });
  const owner = await createMember(org.id, 'owner');
  if (tier === 'enterprise') process.env.STRIPE_PRICE_ENTERPRISE_MONTHLY = env.prices.STRIPE_PRICE_ENTERPRISE_MONTHLY;
  const { sessionId } = await startCheckout(owner.actor, { org: org.slug, tier, interval: 'month' });
  const before = env.standIn.events.length;
  const sub = await env.standIn.completeCheckout(sessionId, 'owner@example.test');
  const events = env.standIn.events.slice(before);
  return { org, owner, sessionId, sub, events };
}

async function auditFor(orgId: string, action?: string) {
  return prisma.auditEvent.findMany({ where: { orgId, ...(action ? { action } : {}) }, orderBy: { id: 'asc' } });
}

describe('webhook signature', () => {
  it('rejects a bad or missing signature before reading the event, and writes nothing', async () => {
    const { org, events } = await checkedOutOrg();
    const payload = JSON.stringify(events[0]);
    const auditBefore = await prisma.auditEvent.count({ where: { orgId: org.id } });
    const wrong = Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' });
    await expect(processStripeWebhook(payload, wrong)).rejects.toMatchObject({ status: 400, code: 'invalid_signature' });
    await expect(processStripeWebhook(payload, null)).rejects.toMatchObject({ status: 400 });
    const good = Stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_WEBHOOK_SECRET });
    await expect(processStripeWebhook(payload.replace('"active"', '"trialing"'), good)).rejects.toMatchObject({ status: 400 });
    const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret: TEST_WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    await expect(processStripeWebhook(payload, stale)).rejects.toMatchObject({ status: 400 });

    expect(await prisma.stripeEvent.count({ where: { id: events[0]!.id } })).toBe(0);
    expect(await prisma.subscription.count({ where: { orgId: org.id } })).toBe(0);
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('community');
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: { startsWith: 'billing.subscription' } } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id } })).toBe(auditBefore);
  });
});

describe('checkout to tier', () => {
  it('moves the org to the paid tier once the webhooks arrive, audited with the Stripe event ids', async () => {
    const { org, sub, events } = await checkedOutOrg();
    expect(events.map((event) => event.type)).toEqual(['customer.subscription.created', 'invoice.paid', 'checkout.session.completed']);
    expect(await getFeatureDecision(prisma, org.id, 'audit_log')).toMatchObject({ allowed: false, reason: { code: 'tier_required', requiredTier: 'team' } });
    for (const event of events) await env.deliver(event);
    expect(await getFeatureDecision(prisma, org.id, 'audit_log')).toMatchObject({ allowed: true });
    const license = await currentLicense(prisma, org.id);
    expect(license).toMatchObject({ tier: 'team' });

    const after = await prisma.organization.findUniqueOrThrow({ where: { id: org.id }, include: { billing: true } });
    expect(after.tier).toBe('team');
    const local = await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } });
    expect(local).toMatchObject({ orgId: org.id, status: 'active', tier: 'team', interval: 'month', cancelAtPeriodEnd: false });
    expect(local.currentPeriodEnd!.getTime()).toBeGreaterThan(Date.now() + 27 * DAY);

    const tierChanges = await auditFor(org.id, 'billing.tier_change');
    expect(tierChanges).toHaveLength(1);
    expect(tierChanges[0]).toMatchObject({ actorLabel: 'system:stripe', before: { tier: 'community' }, after: { tier: 'team' } });
    expect((tierChanges[0]!.metadata as { stripeEventId: string }).stripeEventId).toBe(events[0]!.id);
    const processed = await prisma.stripeEvent.findMany({ where: { id: { in: events.map((event) => event.id) } } });
    expect(processed).toHaveLength(3);
  });

  it('re-issues the license for the new tier and updates the entitlements in the same webhook', async () => {
    const org = await createOrg({ tier: 'community' });
    const owner = await createMember(org.id, 'owner');
    const { actor: staff } = await createStaff('staff-admin');
    const { license: issued, token: oldToken } = await issueLicense(staff, { orgId: org.id });
    expect(issued.tier).toBe('community');
    const { sessionId } = await startCheckout(owner.actor, { org: org.slug, tier: 'team', interval: 'month' });
    const before = env.standIn.events.length;
    await env.standIn.completeCheckout(sessionId);
    const created = env.standIn.events.slice(before).find((event) => event.type === 'customer.subscription.created')!;

    expect((await env.deliver(created)).outcome).toBe('applied'); // this one event, nothing else

    // Entitlements follow at once: features, limits and retention read the tier the webhook set.
    const after = await prisma.organization.findUniqueOrThrow({ where: { id: org.id } });
    expect(after.tier).toBe('team');
    expect(await getFeatureDecision(prisma, org.id, 'audit_log')).toMatchObject({ allowed: true });
    expect(await orgLimits(prisma, org.id)).toMatchObject({ seats: 25, pulls_per_month: null });
    expect(retentionDays(after)).toEqual({ days: 90, source: 'tier' });

    // The license was re-issued: the old one revoked and linked to a new one for Team.
    const licenses = await prisma.licenseKey.findMany({ where: { orgId: org.id } });
    expect(licenses).toHaveLength(2);
    const old = licenses.find((license) => license.id === issued.id)!;
    const fresh = licenses.find((license) => license.id !== issued.id)!;
    expect(old.revokedAt).not.toBeNull();
    expect(old.revokedReason).toContain(`Re-issued as ${fresh.jti}`);
    expect(fresh).toMatchObject({ tier: 'team', replacesId: old.id, revokedAt: null });
    expect(fresh.features).toContain('audit_log');
    expect(await currentLicense(prisma, org.id)).toMatchObject({ id: fresh.id });
    const reissue = (await auditFor(org.id, 'license.reissue')).at(-1)!;
    expect(reissue).toMatchObject({ actorLabel: 'system:billing', targetId: fresh.id });
    expect((reissue.metadata as { reason: string }).reason).toContain(created.id);

    // What the self-hosted product sees online: the old license is refused, the new one says Team.
    const check = (token: string) => entitlementsResponse(new Request('http://portal.test/api/v1/entitlements', { headers: { authorization: `Bearer ${token}` } }));
    const refused = await check(oldToken);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ reason: 'revoked' });
    const { token: newToken } = await licenseToken(staff, fresh.id);
    const answer = await check(newToken);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { tier: string; features: string[]; limits: { seats: number } };
    expect(body).toMatchObject({ tier: 'team', limits: { seats: 25 } });
    expect(body.features).toContain('audit_log');
  });

  it('creates the Stripe customer once and reuses it; refuses a second subscription; passes the org as client_reference_id', async () => {
    const org = await createOrg({ tier: 'community' });
    const owner = await createMember(org.id, 'owner');
    const first = await startCheckout(owner.actor, { org: org.slug, tier: 'team', interval: 'year' });
    const second = await startCheckout(owner.actor, { org: org.slug, tier: 'team', interval: 'month' });
    const account = await prisma.billingAccount.findUniqueOrThrow({ where: { orgId: org.id } });
    const [a, b] = await Promise.all([env.stripe.checkout.sessions.retrieve(first.sessionId), env.stripe.checkout.sessions.retrieve(second.sessionId)]);
    expect(a.customer).toBe(account.stripeCustomerId);
    expect(b.customer).toBe(account.stripeCustomerId);
    expect(a).toMatchObject({ mode: 'subscription', client_reference_id: org.id });
    expect(a.success_url).toBe(`http://portal.test/portal/${org.slug}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`);
    expect(a.cancel_url).toBe(`http://portal.test/portal/${org.slug}/billing?checkout=canceled&upgrade=team`);
    expect([...env.standIn.customers.values()].filter((customer) => (customer.metadata as { org_id?: string }).org_id === org.id)).toHaveLength(1);
    expect(await auditFor(org.id, 'billing.customer_create')).toHaveLength(1);

    await env.standIn.completeCheckout(first.sessionId);
    for (const event of env.events().slice(-3)) await env.deliver(event);
    await expect(startCheckout(owner.actor, { org: org.slug, tier: 'team' })).rejects.toMatchObject({ status: 409 });
  });

  it('checks permissions and input: viewers cannot buy, strangers get 404, unknown tiers are refused', async () => {
    const org = await createOrg({ tier: 'community' });
    const viewer = await createMember(org.id, 'viewer');
    const other = await createMember((await createOrg()).id, 'owner');
    const owner = await createMember(org.id, 'owner');
    await expect(startCheckout(viewer.actor, { org: org.slug, tier: 'team' })).rejects.toMatchObject({ status: 403 });
    await expect(startCheckout(other.actor, { org: org.slug, tier: 'team' })).rejects.toMatchObject({ status: 404 });
    await expect(startCheckout(owner.actor, { org: org.slug, tier: 'platinum' })).rejects.toThrow();
    delete process.env.STRIPE_PRICE_ENTERPRISE_MONTHLY;
    delete process.env.STRIPE_PRICE_ENTERPRISE_YEARLY;
    await expect(startCheckout(owner.actor, { org: org.slug, tier: 'enterprise' })).rejects.toMatchObject({ message: 'Enterprise is sold by our sales team: contact us.' });
    expect(await prisma.billingAccount.count({ where: { orgId: org.id } })).toBe(0);
  });
});

describe('exactly once', () => {
  it('ignores a duplicate delivery', async () => {
    const { org, events } = await checkedOutOrg();
    for (const event of events) await env.deliver(event);
    const auditCount = (await auditFor(org.id)).length;
    for (const event of events) expect((await env.deliver(event)).outcome).toBe('duplicate');
    expect((await auditFor(org.id)).length).toBe(auditCount);
  });

  it('applies an event once under concurrent duplicate delivery', async () => {
    const { org, events } = await checkedOutOrg();
    const created = events[0]!;
    const results = await Promise.all(Array.from({ length: 6 }, () => env.deliver(created)));
    expect(results.filter((result) => result.outcome === 'applied')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'duplicate')).toHaveLength(5);
    expect(await auditFor(org.id, 'billing.subscription_create')).toHaveLength(1);
    expect(await auditFor(org.id, 'billing.tier_change')).toHaveLength(1);
    expect(await prisma.stripeEvent.count({ where: { id: created.id } })).toBe(1);
  });
});

describe('one tier decision per event', () => {
  it('decides the tier once for each event it applies, and not at all for a duplicate', async () => {
    const { org, events } = await checkedOutOrg();
    const decisions = vi.mocked(effectiveTier);
    for (const event of events) {
      decisions.mockClear();
      expect(['applied', 'unchanged']).toContain((await env.deliver(event)).outcome);
      expect(decisions).toHaveBeenCalledTimes(1);
    }
    decisions.mockClear();
    expect((await env.deliver(events[0]!)).outcome).toBe('duplicate');
    expect(decisions).not.toHaveBeenCalled();
    expect(await auditFor(org.id, 'billing.tier_change')).toHaveLength(1);
  });
});

describe('out of order', () => {
  it('keeps the newest state when an older event arrives after a newer one', async () => {
    let clock = Math.floor(Date.now() / 1000);
    env.standIn.clock = () => clock;
    try {
      const { org, sub, events } = await checkedOutOrg();
      for (const event of events) await env.deliver(event);
      clock += 60;
      await env.standIn.failPayment(sub.id); // invoice.payment_failed, customer.subscription.updated (past_due)
      const pastDue = env.events('customer.subscription.updated').at(-1)!;
      clock += 60;
      await env.standIn.payInvoice(sub.id); // invoice.paid, customer.subscription.updated (active)
      const recovered = env.events('customer.subscription.updated').at(-1)!;

      expect((await env.deliver(recovered)).outcome).toBe('applied');
      expect((await env.deliver(pastDue)).outcome).toBe('stale');
      const local = await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } });
      expect(local.status).toBe('active');
      expect(local.pastDueSince).toBeNull();
      expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('team');
      expect((await prisma.stripeEvent.findUniqueOrThrow({ where: { id: pastDue.id } })).outcome).toBe('stale');
    } finally {
      env.standIn.clock = () => Math.floor(Date.now() / 1000);
    }
  });

  it('never revives a canceled subscription from a late update, and a subscription event before checkout.session.completed still lands', async () => {
    let clock = Math.floor(Date.now() / 1000);
    env.standIn.clock = () => clock;
    try {
      const { org, sub, events } = await checkedOutOrg();
      const [created, paid, completed] = events;
      await env.deliver(completed!); // the session event first: links the customer, re-reads the subscription
      await env.deliver(paid!);
      await env.deliver(created!);
      expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('team');
      clock += 60;
      await env.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
      const cancelScheduled = env.events('customer.subscription.updated').at(-1)!;
      await env.stripe.subscriptions.cancel(sub.id); // same second: order of delivery decides only between equals
      const deleted = env.events('customer.subscription.deleted').at(-1)!;
      clock += 60;
      await env.deliver(deleted);
      expect((await env.deliver(cancelScheduled)).outcome).toBe('stale');
      expect((await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } })).status).toBe('canceled');
      expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('community');
    } finally {
      env.standIn.clock = () => Math.floor(Date.now() / 1000);
    }
  });
});

describe('past_due grace', () => {
  it('keeps the paid tier for the grace period, then moves down to community, and back up when paid', async () => {
    const { org, sub, events } = await checkedOutOrg();
    for (const event of events) await env.deliver(event);
    await env.standIn.failPayment(sub.id);
    const failed = env.events('invoice.payment_failed').at(-1)!;
    const updated = env.events('customer.subscription.updated').at(-1)!;
    const t0 = new Date(updated.created * 1000);
    await env.deliver(failed, { now: t0 });
    await env.deliver(updated, { now: t0 });
    const local = await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } });
    expect(local.status).toBe('past_due');
    expect(local.pastDueSince).toEqual(t0);
    const tier = async () => (await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier;
    expect(await tier()).toBe('team');

    expect(await enforcePastDueGrace({ now: new Date(t0.getTime() + 6 * DAY) })).not.toContainEqual(expect.objectContaining({ orgId: org.id }));
    expect(await tier()).toBe('team');
    const changes = await enforcePastDueGrace({ now: new Date(t0.getTime() + 7 * DAY + 1000) });
    expect(changes).toContainEqual({ orgId: org.id, from: 'team', to: 'community' });
    expect(await tier()).toBe('community');
    const licenses = await prisma.licenseKey.findMany({ where: { orgId: org.id }, orderBy: { issuedAt: 'asc' } });
    expect(licenses.map((license) => [license.tier, license.revokedAt === null])).toEqual([
      ['team', false],
      ['community', true],
    ]);
    expect(licenses[1]!.replacesId).toBe(licenses[0]!.id);
    expect((await auditFor(org.id, 'license.reissue')).at(-1)).toMatchObject({ actorLabel: 'system:billing' });
    const downgrade = (await auditFor(org.id, 'billing.tier_change')).at(-1)!;
    expect(downgrade).toMatchObject({ actorLabel: 'system:billing-grace', after: { tier: 'community' } });
    expect((downgrade.metadata as { reason: string }).reason).toBe('past_due grace period ended');

    await env.standIn.payInvoice(sub.id);
    for (const event of env.events().slice(-2)) await env.deliver(event, { now: new Date(t0.getTime() + 8 * DAY) });
    expect(await tier()).toBe('team');
  });

  it('uses BILLING_PAST_DUE_GRACE_DAYS', async () => {
    const { org, sub, events } = await checkedOutOrg();
    for (const event of events) await env.deliver(event);
    await env.standIn.failPayment(sub.id);
    const t0 = new Date(env.events('customer.subscription.updated').at(-1)!.created * 1000);
    process.env.BILLING_PAST_DUE_GRACE_DAYS = '2';
    try {
      for (const event of env.events().slice(-2)) await env.deliver(event, { now: t0 });
      await enforcePastDueGrace({ now: new Date(t0.getTime() + 2 * DAY + 1000) });
      expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('community');
    } finally {
      delete process.env.BILLING_PAST_DUE_GRACE_DAYS;
    }
  });
});

describe('manual tier', () => {
  it('is kept when webhooks say otherwise, and the record says so', async () => {
    const { org, sub, events } = await checkedOutOrg();
    for (const event of events) await env.deliver(event);
    const { actor } = await createStaff('staff-billing');
    await setManualTier(actor, { orgId: org.id, tier: 'enterprise', reason: 'Invoiced deal, contract 42' });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('enterprise');
    // The staff's reason stays in the staff-only event; what follows from it (and reaches the customer) does not quote it.
    expect((await auditFor(org.id, 'billing.manual_tier_set')).at(-1)!.metadata).toEqual({ reason: 'Invoiced deal, contract 42' });
    expect((await auditFor(org.id, 'billing.tier_change')).at(-1)!.metadata).toEqual({ reason: 'manual tier' });
    const licenses = await prisma.licenseKey.findMany({ where: { orgId: org.id }, select: { revokedReason: true } });
    expect(licenses.some((license) => license.revokedReason?.includes('manual tier'))).toBe(true);
    expect(JSON.stringify(licenses)).not.toContain('contract 42');

    await env.stripe.subscriptions.cancel(sub.id);
    await env.deliver(env.events('customer.subscription.deleted').at(-1)!);
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('enterprise');
    const update = (await auditFor(org.id, 'billing.subscription_update')).at(-1)!;
    expect(update.metadata).toMatchObject({ manualTierKept: 'enterprise', subscriptionTier: 'community' });

    await setManualTier(actor, { orgId: org.id, tier: '', reason: 'Contract ended' });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('community');
    expect((await auditFor(org.id)).map((event) => event.action)).toEqual(
      expect.arrayContaining(['billing.manual_tier_set', 'billing.manual_tier_clear']),
    );
  });

  it('licenses re-issued before the fix lose the quoted manual-tier reason to the migration, and keep the rest', async () => {
    const org = await createOrg({ tier: 'team' });
    const { actor } = await createStaff('staff-admin');
    const rows = [
      { old: 'Re-issued as 0193-aaaa: Tier community → team: manual: Invoiced deal, contract 42: 20% off', now: 'Re-issued as 0193-aaaa: Tier community → team: manual tier' },
      { old: 'Re-issued as 0193-bbbb: Tier team → community: manual tier cleared: contract ended early', now: 'Re-issued as 0193-bbbb: Tier team → community: manual tier cleared' },
      { old: 'Re-issued as 0193-cccc: Tier team → enterprise: subscription (Stripe evt_1)', now: 'Re-issued as 0193-cccc: Tier team → enterprise: subscription (Stripe evt_1)' },
      { old: 'Re-issued as 0193-dddd: more seats: manual: not billing', now: 'Re-issued as 0193-dddd: more seats: manual: not billing' },
    ];
    const ids: string[] = [];
    for (const row of rows) {
      const { license } = await issueLicense(actor, { orgId: org.id });
      await prisma.licenseKey.update({ where: { id: license.id }, data: { revokedAt: new Date(), revokedReason: row.old } });
      ids.push(license.id);
    }
    const sql = fs.readFileSync(path.join(import.meta.dirname, '../../../prisma/migrations/20261207124500_manual_tier_reason_staff_only/migration.sql'), 'utf8');
    for (const statement of sql.replace(/^--.*$/gm, '').split(';').map((part) => part.trim()).filter(Boolean)) await prisma.$executeRawUnsafe(statement);
    const after = await prisma.licenseKey.findMany({ where: { id: { in: ids } }, select: { id: true, revokedReason: true } });
    expect(ids.map((id) => after.find((row) => row.id === id)!.revokedReason)).toEqual(rows.map((row) => row.now));
  });

  it('serializes with a concurrent webhook: staff read the state they change, and the final state and audit trail agree', async () => {
    const { org, sub, events } = await checkedOutOrg();
    for (const event of events) await env.deliver(event);
    const { actor } = await createStaff('staff-billing');
    await env.stripe.subscriptions.cancel(sub.id);
    const deleted = env.events('customer.subscription.deleted').at(-1)!;
    const input = { orgId: org.id, tier: 'enterprise' as const, reason: 'Invoiced deal, contract 43' };

    const [delivered, first, second] = await Promise.all([env.deliver(deleted), setManualTier(actor, input), setManualTier(actor, input)]);

    expect(delivered.outcome).toBe('applied');
    // The second staff change waited for the first and saw it: nothing left to change.
    expect([first.changed, second.changed].sort()).toEqual([false, true]);
    expect(await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).toMatchObject({ tier: 'enterprise', manualTier: 'enterprise' });
    expect((await prisma.subscription.findUniqueOrThrow({ where: { id: sub.id } })).status).toBe('canceled');
    expect(await currentLicense(prisma, org.id)).toMatchObject({ tier: 'enterprise' });

    const audit = await auditFor(org.id);
    const manual = audit.filter((event) => event.action === 'billing.manual_tier_set');
    expect(manual).toHaveLength(1);
    expect(manual[0]!.before).toEqual({ manualTier: null });
    // Every tier change starts where the one before it ended, and the last ends at the org's tier.
    const changes = audit.filter((event) => event.action === 'billing.tier_change').map((event) => [(event.before as { tier: string }).tier, (event.after as { tier: string }).tier]);
    for (let i = 1; i < changes.length; i++) expect(changes[i]![0]).toBe(changes[i - 1]![1]);
    expect(changes.at(-1)![1]).toBe('enterprise');
    // The subscription record notes the kept manual tier exactly when the webhook applied after it was set.
    const update = audit.find((event) => event.action === 'billing.subscription_update')!;
    const manualFirst = manual[0]!.id < update.id;
    expect((update.metadata as { manualTierKept?: string }).manualTierKept ?? null).toBe(manualFirst ? 'enterprise' : null);
  });

  it('is for billing staff only, with a reason', async () => {
    const org = await createOrg({ tier: 'community' });
    const { actor: support } = await createStaff('staff-support');
    const owner = await createMember(org.id, 'owner');
    const { actor: billing } = await createStaff('staff-billing');
    await expect(setManualTier(support, { orgId: org.id, tier: 'enterprise', reason: 'because' })).rejects.toMatchObject({ status: 403 });
    await expect(setManualTier(owner.actor, { orgId: org.id, tier: 'enterprise', reason: 'because' })).rejects.toMatchObject({ status: 403 });
    await expect(setManualTier(billing, { orgId: org.id, tier: 'enterprise', reason: '' })).rejects.toThrow(/Say why/);
    await expect(setManualTier(billing, { orgId: 'nope', tier: 'enterprise', reason: 'because' })).rejects.toMatchObject({ status: 404 });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).manualTier).toBeNull();
  });
});

describe('webhook metrics', () => {
  /** portcullis_webhooks_total{source="stripe"} by outcome, as /api/metrics serves it. */
  async function stripeWebhookCounts(): Promise<Record<string, number>> {
    process.env.METRICS_TOKEN = 'metrics-test-token';
    try {
      const response = await metricsRoute(new Request('http://portal.test/api/metrics', { headers: { authorization: 'Bearer metrics-test-token' } }));
      expect(response.status).toBe(200);
      const counts: Record<string, number> = {};
      for (const [, outcome, value] of (await response.text()).matchAll(/^portcullis_webhooks_total\{source="stripe",outcome="(\w+)",service="portcullis"\} (\d+)$/gm)) {
        counts[outcome!] = Number(value);
      }
      return counts;
    } finally {
      delete process.env.METRICS_TOKEN;
    }
  }

  async function post(event: object, secret = TEST_WEBHOOK_SECRET) {
    const payload = JSON.stringify(event);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    return stripeWebhookRoute(new Request('http://portal.test/api/webhooks/stripe', { method: 'POST', body: payload, headers: { 'stripe-signature': signature } }));
  }

  it('counts every Stripe delivery by outcome at /api/metrics', async () => {
    const { events } = await checkedOutOrg();
    const before = await stripeWebhookCounts();
    const created = events[0]!;
    const now = Math.floor(Date.now() / 1000);

    expect((await post(created)).status).toBe(200);
    expect((await post(created)).status).toBe(200);
    expect((await post(created, 'whsec_someone_else')).status).toBe(400);
    expect((await post({ id: `evt_other_${now}`, object: 'event', type: 'customer.created', created: now, data: { object: {} } })).status).toBe(200);
    // An invoice for a subscription Stripe does not know: re-reading it fails, and Stripe should retry.
    const orphan = { id: `evt_orphan_${now}`, object: 'event', type: 'invoice.paid', created: now, data: { object: { id: 'in_orphan', object: 'invoice', parent: { subscription_details: { subscription: 'sub_missing' } } } } };
    expect((await post(orphan)).status).toBe(500);

    const after = await stripeWebhookCounts();
    const delta = (outcome: string) => (after[outcome] ?? 0) - (before[outcome] ?? 0);
    expect({ applied: delta('applied'), duplicate: delta('duplicate'), bad_signature: delta('bad_signature'), ignored: delta('ignored'), error: delta('error') }).toEqual({
      applied: 1,
      duplicate: 1,
      bad_signature: 1,
      ignored: 1,
      error: 1,
    });
  });
});
