import 'server-only';
import type Stripe from 'stripe';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { log } from '@/lib/platform/log';
import { authorizeOrg, hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { subscriptionAccess, type SubscriptionAccess } from './access';
import { billingConfig, pastDueGraceDays } from './config';
import { INTERVALS, PLANS, priceIdFor, tierOf, type BillingInterval, type PlanDefinition } from './plans';
import { stripeClient } from './stripe-client';

export interface PlanOffer {
  plan: PlanDefinition;
  /** Amount (cents) and currency per interval, as Stripe has the configured price; null when not for sale online. */
  prices: Partial<Record<BillingInterval, { amount: number; currency: string }>>;
}

export interface InvoiceRow {
  id: string;
  number: string | null;
  status: string | null;
  amount: number;
  currency: string;
  created: Date;
  url: string | null;
}

export interface OrgBilling {
  configured: boolean;
  testMode: boolean;
  standIn: boolean;
  /** `invoiced`: staff set the tier for an invoiced contract (the manual tier itself is staff-only). */
  org: { id: string; slug: string; name: string; tier: string; invoiced: boolean };
  subscription: {
    id: string;
    status: string;
    tier: string;
    interval: string | null;
    currentPeriodEnd: Date | null;
    cancelAtPeriodEnd: boolean;
    access: SubscriptionAccess;
  } | null;
  hasCustomer: boolean;
  canManage: boolean;
  offers: PlanOffer[];
  invoices: InvoiceRow[];
  invoicesError: string | null;
}

const priceCache = new Map<string, { at: number; price: Stripe.Price | null }>();
const PRICE_TTL_MS = 60_000;

async function priceFor(stripe: Stripe, id: string): Promise<Stripe.Price | null> {
  const cached = priceCache.get(id);
  if (cached && Date.now() - cached.at < PRICE_TTL_MS) return cached.price;
  const price = await stripe.prices.retrieve(id).catch((error: unknown) => {
    log.warn({ err: error, priceId: id }, 'could not read a configured Stripe price');
    return null;
  });
  priceCache.set(id, { at: Date.now(), price });
  return price;
}

/** The billing page's data: plan, status, renewal, offers with Stripe's prices, and invoices from Stripe. */
export async function getOrgBilling(actor: Actor, slug: string, now = new Date()): Promise<OrgBilling> {
  const access = await authorizeOrg(prisma, actor, { slug }, { org: 'billing.view', staff: 'billing.view' });
  const { org } = access;
  const config = billingConfig();
  const [account, subs] = await Promise.all([
    prisma.billingAccount.findUnique({ where: { orgId: org.id } }),
    prisma.subscription.findMany({ where: { orgId: org.id }, orderBy: { stripeEventAt: 'desc' } }),
  ]);
  // The one that matters: a live one before an ended one, newest first.
  const current = subs.find((sub) => sub.status !== 'canceled' && sub.status !== 'incomplete_expired') ?? subs[0] ?? null;
  const canManage = access.viaStaff ? hasStaffPermission(actor, 'billing.manage') : access.permissions.includes('billing.manage');

  const result: OrgBilling = {
    configured: config !== null,
    testMode: config?.testMode ?? false,
    standIn: config?.standIn ?? false,
    org: { id: org.id, slug: org.slug, name: org.name, tier: org.tier, invoiced: org.manualTier !== null },
    subscription: current
      ? {
          id: current.id,
          status: current.status,
          tier: current.tier,
          interval: current.interval,
          currentPeriodEnd: current.currentPeriodEnd,
          cancelAtPeriodEnd: current.cancelAtPeriodEnd,
          access: subscriptionAccess(
            { status: current.status, tier: tierOf(current.tier), pastDueSince: current.pastDueSince },
            now,
            config?.pastDueGraceDays ?? pastDueGraceDays(),
          ),
        }
      : null,
    hasCustomer: account !== null,
    canManage,
    offers: PLANS.map((plan) => ({ plan, prices: {} })),
    invoices: [],
    invoicesError: null,
  };
  if (!config) return result;

  const stripe = stripeClient(config);
  result.offers = await Promise.all(
    PLANS.map(async (plan) => {
      const prices: PlanOffer['prices'] = {};
      for (const interval of INTERVALS) {
        const id = priceIdFor(plan, interval);
        const price = id ? await priceFor(stripe, id) : null;
        if (price && price.unit_amount !== null) prices[interval] = { amount: price.unit_amount, currency: price.currency };
      }
      return { plan, prices };
    }),
  );
  if (account) {
    try {
      const invoices = await stripe.invoices.list({ customer: account.stripeCustomerId, limit: 12 });
      result.invoices = invoices.data.map((invoice) => ({
        id: invoice.id ?? '',
        number: invoice.number,
        status: invoice.status,
        amount: invoice.status === 'paid' ? invoice.amount_paid : invoice.amount_due,
        currency: invoice.currency,
        created: new Date(invoice.created * 1000),
        url: invoice.hosted_invoice_url ?? null,
      }));
    } catch (error) {
      log.warn({ err: error, orgId: org.id }, 'could not list Stripe invoices');
      result.invoicesError = 'Invoices could not be loaded from Stripe right now.';
    }
  }
  return result;
}
