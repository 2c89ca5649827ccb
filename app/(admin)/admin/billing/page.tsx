import type { Metadata } from 'next';
import Link from 'next/link';
import { ManualTierDialog } from '@/components/billing/manual-tier-dialog';
import { SubscriptionStatusBadge } from '@/components/billing/subscription-status-badge';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { billingConfig } from '@/lib/product/billing/config';
import { tierLabel } from '@/lib/product/billing/plans';
import { BILLING_FILTERS, BILLING_SORTS, listBillingOverview, type BillingOverviewRow } from '@/lib/product/billing/staff';
import { formatDate } from '@/lib/platform/format';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { parseTableQuery } from '@/lib/platform/table/query';
import { manualTierAction } from './actions';

export const metadata: Metadata = { title: 'Billing' };

export default async function AdminBillingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requireStaffPage('/admin/billing');
  const query = parseTableQuery(await searchParams, { sortable: BILLING_SORTS, defaultSort: 'name', filters: BILLING_FILTERS });
  const config = billingConfig();
  const canManage = hasStaffPermission(actor, 'billing.manage');
  if (!hasStaffPermission(actor, 'billing.view')) {
    return (
      <>
        <PageHeader title="Billing" />
        <Alert tone="warning">Your staff role does not include billing.</Alert>
      </>
    );
  }
  const { rows, total } = await listBillingOverview(actor, query);

  const columns: DataTableColumn<BillingOverviewRow>[] = [
    {
      id: 'name',
      header: 'Customer',
      cell: ({ row }) => (
        <div className="min-w-0">
          <Link href={`/admin/customers/${row.original.slug}`} className="font-medium hover:underline">
            {row.original.name}
          </Link>
          <div className="font-mono text-xs text-muted-foreground">{row.original.slug}</div>
        </div>
      ),
    },
    {
      id: 'tier',
      header: 'Tier',
      cell: ({ row }) => (
        <span className="flex items-center gap-1.5">
          <Badge tone="accent">{tierLabel(row.original.tier)}</Badge>
          {row.original.manualTier ? <Badge title="Set by staff for an invoiced deal">manual</Badge> : null}
        </span>
      ),
    },
    {
      id: 'subscription',
      header: 'Subscription',
      enableSorting: false,
      cell: ({ row }) => {
        const sub = row.original.subscription;
        if (!sub) return <span className="text-muted-foreground">—</span>;
        return (
          <span className="flex items-center gap-1.5">
            <SubscriptionStatusBadge status={sub.status} />
            <span className="text-muted-foreground">
              {tierLabel(sub.tier)}
              {sub.interval ? `, ${sub.interval}ly` : ''}
            </span>
          </span>
        );
      },
    },
    {
      id: 'renews',
      header: 'Renews / ends',
      enableSorting: false,
      cell: ({ row }) => {
        const sub = row.original.subscription;
        if (!sub || sub.status === 'canceled') return <span className="text-muted-foreground">—</span>;
        return (
          <span className="tabular-nums">
            {formatDate(sub.currentPeriodEnd)}
            {sub.cancelAtPeriodEnd ? <span className="text-muted-foreground"> (ends)</span> : null}
          </span>
        );
      },
    },
    {
      id: 'stripe',
      header: 'Stripe customer',
      enableSorting: false,
      cell: ({ row }) => (row.original.stripeCustomerId ? <code className="font-mono text-xs">{row.original.stripeCustomerId}</code> : <span className="text-muted-foreground">—</span>),
    },
    ...(canManage
      ? [
          {
            id: 'actions',
            header: () => <span className="sr-only">Actions</span>,
            enableSorting: false,
            meta: { align: 'right' as const },
            cell: ({ row }: { row: { original: BillingOverviewRow } }) => (
              <ManualTierDialog org={{ id: row.original.id, name: row.original.name }} manualTier={row.original.manualTier} action={manualTierAction} />
            ),
          } satisfies DataTableColumn<BillingOverviewRow>,
        ]
      : []),
  ];

  return (
    <>
      <PageHeader title="Billing" description="Every customer's plan and Stripe subscription. Manual tiers cover invoiced deals; webhooks never override them." />
      {!config ? (
        <Alert tone="info" className="mb-4" title="Stripe is not configured">
          Set STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET and the STRIPE_PRICE_* variables to sell plans online. Manual tiers work without it.
        </Alert>
      ) : config.standIn || config.testMode ? (
        <Alert tone="warning" className="mb-4" title="Test mode">
          {config.standIn ? 'Billing runs against the local Stripe stand-in (demo).' : 'Billing uses a Stripe test account.'}
        </Alert>
      ) : null}
      <DataTable
        caption="Customer billing"
        columns={columns}
        rows={rows}
        total={total}
        query={query}
        itemLabel="customers"
        searchPlaceholder="Search customers"
        getRowId={(row) => row.id}
        filters={[
          { id: 'tier', label: 'Tier', options: BILLING_FILTERS.tier.map((tier) => ({ value: tier, label: tierLabel(tier) })) },
          {
            id: 'billing',
            label: 'Billing',
            options: [
              { value: 'subscribed', label: 'Subscribed' },
              { value: 'manual', label: 'Manual tier' },
              { value: 'none', label: 'Neither' },
            ],
          },
        ]}
      />
    </>
  );
}
