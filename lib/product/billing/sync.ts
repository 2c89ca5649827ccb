import 'server-only';
import type Stripe from 'stripe';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError } from '@/lib/platform/errors';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { tierOf } from './plans';
import { requireBillingConfig } from './config';
import { stripeClient } from './stripe-client';
import { applySubscriptionState, recomputeTier, snapshotOf } from './subscription-state';

export type SyncChange = {
  org: string;
  subscription: string | null;
  change: string;
};

/**
 * Reconciliation: re-reads every billing customer's subscriptions from
 * Stripe, corrects local drift (missed or failed webhooks), recomputes tiers
 * (including ended past_due grace periods) and reports what it changed.
 */
export async function syncBilling(actor: Actor, options: { now?: Date; stripe?: Stripe; dryRun?: boolean; orgSlug?: string } = {}) {
  assertStaffPermission(actor, 'billing.manage');
  const config = requireBillingConfig();
  const stripe = options.stripe ?? stripeClient(config);
  const now = options.now ?? new Date();
  const accounts = await prisma.billingAccount.findMany({
    where: options.orgSlug ? { org: { slug: options.orgSlug } } : {},
    include: { org: { select: { slug: true } } },
  });
  if (options.orgSlug && accounts.length === 0) {
    if (!(await prisma.organization.findUnique({ where: { slug: options.orgSlug }, select: { id: true } }))) throw new NotFoundError(`No customer with slug "${options.orgSlug}"`);
  }
  const changes: SyncChange[] = [];
  let subscriptionsSeen = 0;

  for (const account of accounts) {
    const remote: Stripe.Subscription[] = [];
    try {
      for await (const sub of stripe.subscriptions.list({ customer: account.stripeCustomerId, status: 'all', limit: 100 })) remote.push(sub);
    } catch (error) {
      // A customer deleted in Stripe (or another account's): report it, change nothing.
      if ((error as { code?: string }).code !== 'resource_missing') throw error;
      changes.push({ org: account.org.slug, subscription: null, change: `Stripe customer ${account.stripeCustomerId} not found: left unchanged` });
      continue;
    }
    subscriptionsSeen += remote.length;
    const remoteIds = new Set(remote.map((sub) => sub.id));

    const before = await prisma.subscription.findMany({ where: { orgId: account.orgId } });
    const beforeById = new Map(before.map((sub) => [sub.id, sub]));
    const orgBefore = await prisma.organization.findUniqueOrThrow({ where: { id: account.orgId }, select: { tier: true } });

    const describe = (id: string, snap: ReturnType<typeof snapshotOf>) => {
      const local = beforeById.get(id);
      if (!local) return `added (${snap.status}, ${snap.tier})`;
      const diffs: string[] = [];
      if (local.status !== snap.status) diffs.push(`status ${local.status} → ${snap.status}`);
      if (local.tier !== snap.tier) diffs.push(`tier ${local.tier} → ${snap.tier}`);
      if (local.cancelAtPeriodEnd !== snap.cancelAtPeriodEnd) diffs.push(`cancel at period end ${local.cancelAtPeriodEnd} → ${snap.cancelAtPeriodEnd}`);
      if ((local.currentPeriodEnd?.getTime() ?? null) !== (snap.currentPeriodEnd?.getTime() ?? null)) diffs.push('renewal date');
      return diffs.join(', ');
    };

    for (const sub of remote) {
      const snap = snapshotOf(sub);
      const change = describe(sub.id, snap);
      if (change) changes.push({ org: account.org.slug, subscription: sub.id, change });
    }
    // Known locally but gone from Stripe: treat as ended.
    const vanished = before.filter((sub) => !remoteIds.has(sub.id) && sub.status !== 'canceled');
    for (const sub of vanished) changes.push({ org: account.org.slug, subscription: sub.id, change: `status ${sub.status} → canceled (not in Stripe)` });
    if (options.dryRun) continue;

    await prisma.$transaction(
      async (tx) => {
        await lockOrg(tx, account.orgId);
        // Every subscription first, then the tier once: no intermediate tier (and license) while one ends and another starts.
        const ctx = { actor, now, graceDays: config.pastDueGraceDays, observedAt: now, source: 'fresh' as const };
        for (const sub of remote) await applySubscriptionState(tx, account.orgId, snapshotOf(sub), ctx);
        for (const sub of vanished) {
          await applySubscriptionState(
            tx,
            account.orgId,
            {
              id: sub.id,
              customerId: account.stripeCustomerId,
              status: 'canceled',
              tier: tierOf(sub.tier),
              priceId: sub.priceId,
              interval: sub.interval,
              currentPeriodEnd: sub.currentPeriodEnd,
              cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
              orgIdHint: null,
            },
            ctx,
          );
        }
        await recomputeTier(tx, account.orgId, { actor, now, graceDays: config.pastDueGraceDays, reason: 'billing sync' });
      },
      { timeout: 30_000 },
    );
    const orgAfter = await prisma.organization.findUniqueOrThrow({ where: { id: account.orgId }, select: { tier: true } });
    if (orgAfter.tier !== orgBefore.tier) changes.push({ org: account.org.slug, subscription: null, change: `tier ${orgBefore.tier} → ${orgAfter.tier}` });
  }
  return { customers: accounts.length, subscriptions: subscriptionsSeen, changes, dryRun: !!options.dryRun };
}
