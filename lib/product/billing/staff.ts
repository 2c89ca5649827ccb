import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { assertStaffPermission, hasStaffPermission } from '@/lib/identity/rbac/authorize';
import type { TableQuery } from '@/lib/platform/table/query';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { pastDueGraceDays } from './config';
import { FREE_TIER, TIER_ORDER, tierLabel, type Tier } from './plans';
import { recomputeTier } from './subscription-state';

export const BILLING_SORTS = ['name', 'tier', 'updatedAt'] as const;
export const BILLING_FILTERS = { tier: TIER_ORDER, billing: ['subscribed', 'manual', 'none'] as const };

export type BillingOverviewRow = Awaited<ReturnType<typeof listBillingOverview>>['rows'][number];

/** Staff view of every customer's billing state: tier, manual tier, subscription, Stripe customer. */
export async function listBillingOverview(
  actor: Actor,
  query: TableQuery<(typeof BILLING_SORTS)[number], { tier?: string; billing?: string }>,
) {
  assertStaffPermission(actor, 'billing.view');
  const where: Prisma.OrganizationWhereInput = {
    ...(query.q ? { OR: [{ name: { contains: query.q, mode: 'insensitive' } }, { slug: { contains: query.q, mode: 'insensitive' } }] } : {}),
    ...(query.filters.tier ? { tier: query.filters.tier } : {}),
    ...(query.filters.billing === 'manual' ? { manualTier: { not: null } } : {}),
    ...(query.filters.billing === 'subscribed' ? { subscriptions: { some: { status: { notIn: ['canceled', 'incomplete_expired'] } } } } : {}),
    ...(query.filters.billing === 'none' ? { manualTier: null, subscriptions: { none: { status: { notIn: ['canceled', 'incomplete_expired'] } } } } : {}),
  };
  const orderBy: Prisma.OrganizationOrderByWithRelationInput = query.sort ? { [query.sort]: query.dir } : { name: 'asc' };
  const [total, orgs] = await Promise.all([
    prisma.organization.count({ where }),
    prisma.organization.findMany({
      where,
      orderBy: [orderBy, { id: 'asc' }],
      skip: query.skip,
      take: query.take,
      select: {
        id: true,
        name: true,
        slug: true,
        tier: true,
        manualTier: true,
        billing: { select: { stripeCustomerId: true } },
        subscriptions: { orderBy: { stripeEventAt: 'desc' }, take: 1, select: { id: true, status: true, tier: true, interval: true, currentPeriodEnd: true, cancelAtPeriodEnd: true, pastDueSince: true } },
      },
    }),
  ]);
  return {
    total,
    rows: orgs.map(({ billing, subscriptions, ...org }) => ({ ...org, stripeCustomerId: billing?.stripeCustomerId ?? null, subscription: subscriptions[0] ?? null })),
  };
}

export const manualTierSchema = z.object({
  orgId: z.string().min(1),
  // "" (the form's "none" option) clears the manual tier.
  tier: z.union([z.enum(TIER_ORDER), z.literal('').transform(() => null), z.null()]),
  reason: z.string().trim().min(3, 'Say why, e.g. "invoiced enterprise deal, contract #123".').max(500, 'Use at most 500 characters.'),
});
export type ManualTierInput = z.input<typeof manualTierSchema>;

/**
 * Sets (or clears) a staff-set tier for an invoiced deal. While set, it is the
 * org's tier whatever its subscriptions do; webhooks still record
 * subscription changes and note that the manual tier was kept.
 */
export async function setManualTier(actor: Actor, input: ManualTierInput, now = new Date()) {
  assertStaffPermission(actor, 'billing.manage');
  const { orgId, tier, reason } = manualTierSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    // Lock before reading: a webhook, sync or another staff change to this org waits, so what we read is what we change.
    await lockOrg(tx, orgId);
    const existing = await tx.organization.findUnique({ where: { id: orgId }, select: { id: true, manualTier: true, tier: true } });
    if (!existing) throw new NotFoundError('Customer not found');
    if (existing.manualTier === tier) return { changed: false, tier: existing.tier, manualTier: tier };
    await tx.organization.update({ where: { id: orgId }, data: { manualTier: tier } });
    await recordAudit(tx, actor, {
      action: tier ? 'billing.manual_tier_set' : 'billing.manual_tier_clear',
      target: { type: 'organization', id: orgId },
      orgId,
      before: { manualTier: existing.manualTier },
      after: { manualTier: tier },
      metadata: { reason },
    });
    // The staff's reason stays in this event: the tier change and the re-issued license's reason reach the customer.
    const result = await recomputeTier(tx, orgId, { actor, now, graceDays: pastDueGraceDays(), reason: tier ? 'manual tier' : 'manual tier cleared' });
    return { changed: true, tier: result.to, manualTier: tier };
  });
}

/**
 * The tier a new customer starts on. Nothing is billed yet, so a paid tier
 * staff choose at creation is a manual tier from the start, under the same
 * permission as setManualTier: stored as a plain tier, the first webhook or
 * sync would recompute it from the (absent) subscriptions and drop it.
 * Community stays unpinned, so the customer can still buy a plan in Checkout.
 */
export function initialTier(actor: Actor, tier: Tier): { tier: Tier; manualTier: Tier | null } {
  if (tier === FREE_TIER) return { tier, manualTier: null };
  if (!hasStaffPermission(actor, 'billing.manage')) {
    throw new ForbiddenError(`Starting a customer on ${tierLabel(tier)} sets a manual tier, which needs the billing permission. Create it on Community and ask billing staff to set the tier.`);
  }
  return { tier, manualTier: tier };
}
