import type { Metadata } from 'next';
import { PlanPicker } from '@/components/billing/plan-picker';
import { PortalButton } from '@/components/billing/portal-button';
import { Alert } from '@/components/ui/alert';
import { SubscriptionStatusBadge } from '@/components/billing/subscription-status-badge';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { KeyValueList } from '@/components/ui/key-value-list';
import { PageHeader } from '@/components/ui/page-header';
import { SimpleTable } from '@/components/ui/simple-table';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { formatMoney } from '@/lib/product/billing/money';
import { getOrgBilling, type OrgBilling } from '@/lib/product/billing/overview';
import { isTier, tierLabel, tierRank, tierSummary } from '@/lib/product/billing/plans';
import { formatDate } from '@/lib/platform/format';
import { billingPortalAction, checkoutAction } from '@/lib/product/billing/actions';

export const metadata: Metadata = { title: 'Billing' };

function first(value: string | string[] | undefined) {
  return Array.isArray(value) ? value[0] : value;
}

export default async function BillingPage({
  params,
  searchParams,
}: {
  params: Promise<{ org: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { org: slug } = await params;
  const query = await searchParams;
  const { actor } = await requirePortalPage(slug, 'billing.view');
  const billing = await getOrgBilling(actor, slug);
  const upgrade = first(query.upgrade);
  const preselect = isTier(upgrade) && upgrade !== 'community' ? upgrade : null;
  const checkout = first(query.checkout);
  const sub = billing.subscription;
  const live = sub !== null && !['canceled', 'incomplete_expired'].includes(sub.status);

  const blockedReason = !billing.configured
    ? 'Online payment is not available here.'
    : billing.org.invoiced
      ? 'Your plan is managed by your account team.'
      : !billing.canManage
        ? 'Ask an owner of your organization to change the plan.'
        : live
          ? 'Change your plan in the billing portal.'
          : null;

  return (
    <>
      <PageHeader
        title="Billing"
        description="Your plan, payment status and invoices."
        actions={billing.configured && billing.hasCustomer && billing.canManage ? <PortalButton org={slug} portalAction={billingPortalAction} /> : null}
      />
      <div className="space-y-6">
        {billing.configured && (billing.standIn || billing.testMode) ? (
          <Alert tone="warning" title="Test mode">
            {billing.standIn
              ? 'Payments go to the local Stripe stand-in started by the demo. No card is charged; use the test card 4242 4242 4242 4242.'
              : 'This installation uses a Stripe test account. No real card is charged.'}
          </Alert>
        ) : null}
        {!billing.configured ? (
          <Alert tone="info" title="Billing is not configured">
            Online billing is not set up on this installation (no Stripe keys). Your plan is set by the vendor; contact your account team to change it.
          </Alert>
        ) : null}
        <CheckoutNotice checkout={checkout} billing={billing} />

        <Card>
          <CardHeader>
            <CardTitle>Current plan</CardTitle>
          </CardHeader>
          <CardContent>
            <KeyValueList
              items={[
                { label: 'Plan', value: <Badge tone="accent">{tierLabel(billing.org.tier)}</Badge> },
                ...(billing.org.invoiced ? [{ label: 'Managed by', value: 'Your account team (invoiced contract)' }] : []),
                {
                  label: 'Status',
                  value: sub ? (
                    <span className="flex flex-wrap items-center gap-2">
                      <SubscriptionStatusBadge status={sub.status} />
                      {sub.access.reason === 'past_due_grace' && sub.access.graceEndsAt ? (
                        <span className="text-sm text-muted-foreground">Update your payment method by {formatDate(sub.access.graceEndsAt)} to keep {tierLabel(sub.tier)}.</span>
                      ) : null}
                    </span>
                  ) : (
                    <span className="text-muted-foreground">No subscription</span>
                  ),
                },
                ...(sub && live
                  ? [
                      { label: sub.cancelAtPeriodEnd ? 'Ends on' : 'Renews on', value: <span className="tabular-nums">{formatDate(sub.currentPeriodEnd)}</span> },
                      { label: 'Billed', value: sub.interval === 'year' ? 'Yearly' : sub.interval === 'month' ? 'Monthly' : '—' },
                    ]
                  : []),
              ]}
            />
          </CardContent>
        </Card>

        <section aria-labelledby="plans-heading" className="space-y-3">
          <h2 id="plans-heading" className="text-base font-semibold">
            Plans
          </h2>
          <PlanPicker
            org={slug}
            currentTier={billing.org.tier}
            currentRank={tierRank(billing.org.tier)}
            preselect={preselect}
            canBuy={blockedReason === null}
            blockedReason={blockedReason}
            checkoutAction={checkoutAction}
            free={{ name: tierLabel('community'), ...tierSummary('community') }}
            plans={billing.offers.map(({ plan, prices }) => ({ tier: plan.tier, name: plan.name, rank: tierRank(plan.tier), ...tierSummary(plan.tier), prices }))}
          />
        </section>

        <Card>
          <CardHeader>
            <CardTitle>Invoices</CardTitle>
          </CardHeader>
          <CardContent>
            {billing.invoicesError ? (
              <Alert tone="warning">{billing.invoicesError}</Alert>
            ) : billing.invoices.length === 0 ? (
              <EmptyState title="No invoices yet" description={billing.configured ? 'Invoices appear here once you subscribe.' : undefined} />
            ) : (
              <SimpleTable
                caption="Invoices"
                empty="No invoices yet"
                rows={billing.invoices}
                rowKey={(invoice) => invoice.id}
                columns={[
                  { header: 'Date', cell: (invoice) => formatDate(invoice.created) },
                  { header: 'Number', className: 'font-mono text-xs', cell: (invoice) => invoice.number ?? '—' },
                  { header: 'Amount', align: 'right', cell: (invoice) => formatMoney(invoice.amount, invoice.currency) },
                  { header: 'Status', cell: (invoice) => <Badge tone={invoice.status === 'paid' ? 'success' : invoice.status === 'open' ? 'warning' : 'neutral'}>{invoice.status ?? '—'}</Badge> },
                  {
                    header: 'Link',
                    hideHeader: true,
                    align: 'right',
                    cell: (invoice) =>
                      invoice.url ? (
                        <a href={invoice.url} className="text-link" target="_blank" rel="noreferrer">
                          View
                        </a>
                      ) : null,
                  },
                ]}
              />
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}

function CheckoutNotice({ checkout, billing }: { checkout: string | undefined; billing: OrgBilling }) {
  if (checkout === 'canceled') return <Alert tone="neutral">Checkout was canceled. Nothing was charged.</Alert>;
  if (checkout !== 'success') return null;
  const sub = billing.subscription;
  if (sub && (sub.status === 'active' || sub.status === 'trialing')) {
    return (
      <Alert tone="success" title={`Welcome to ${tierLabel(billing.org.tier)}`}>
        Your subscription is active and every {tierLabel(billing.org.tier)} feature is open now.
      </Alert>
    );
  }
  return (
    <Alert tone="info" title="Payment received">
      Stripe is confirming your subscription; this page shows your new plan within a minute. Reload to check.
    </Alert>
  );
}
