import type { Metadata } from 'next';
import { Plus, Users } from 'lucide-react';
import { CustomerStatusBadge, ExpiryDate, TierBadge } from '@/components/customers/badges';
import { DataTable, type DataTableColumn, type DataTableFilter } from '@/components/data-table';
import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { EXPIRY_WINDOW_LABELS, EXPIRY_WINDOWS, listCustomers, parseCustomerQuery, type CustomerRow } from '@/lib/product/customers/list-customers';
import { CUSTOMER_STATUSES } from '@/lib/product/customers/statuses';
import { TIER_KEYS, tierLabel } from '@/lib/plans/tiers';
import { ONBOARDING_ITEMS } from '@/lib/identity/onboarding/items';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { formatDate } from '@/lib/platform/format';

export const metadata: Metadata = { title: 'Customers' };

const filters: DataTableFilter[] = [
  { id: 'tier', label: 'Tier', options: TIER_KEYS.map((tier) => ({ value: tier, label: tierLabel(tier) })) },
  { id: 'status', label: 'Status', options: CUSTOMER_STATUSES.map((status) => ({ value: status, label: status[0]!.toUpperCase() + status.slice(1) })) },
  { id: 'expiry', label: 'License expiry', options: EXPIRY_WINDOWS.map((window) => ({ value: window, label: EXPIRY_WINDOW_LABELS[window] })) },
];

const columns: DataTableColumn<CustomerRow>[] = [
  {
    id: 'name',
    header: 'Customer',
    cell: ({ row }) => (
      <span className="flex flex-col">
        <span className="max-w-72 truncate" title={row.original.name}>
          {row.original.name}
        </span>
        <span className="font-mono text-xs font-normal text-muted-foreground">{row.original.slug}</span>
      </span>
    ),
  },
  { id: 'tier', header: 'Tier', cell: ({ row }) => <TierBadge tier={row.original.tier} /> },
  { id: 'status', header: 'Status', cell: ({ row }) => <CustomerStatusBadge status={row.original.status} /> },
  { id: 'licenseExpiresAt', header: 'License expires', cell: ({ row }) => <ExpiryDate value={row.original.licenseExpiresAt} empty="—" /> },
  { id: 'activeTokens', header: 'Active tokens', meta: { align: 'right' }, cell: ({ row }) => row.original.activeTokens },
  {
    id: 'onboarding',
    header: 'Onboarding',
    cell: ({ row }) => (
      <span className="text-muted-foreground tabular-nums">
        {row.original.checklistDone}/{ONBOARDING_ITEMS.length}
      </span>
    ),
  },
  { id: 'createdAt', header: 'Created', sortDescFirst: true, cell: ({ row }) => <span className="text-muted-foreground">{formatDate(row.original.createdAt)}</span> },
];

export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requireStaffPage('/admin/customers');
  const query = parseCustomerQuery(await searchParams);
  const { rows, total } = await listCustomers(actor, query);
  const canCreate = hasStaffPermission(actor, 'customers.create');
  const newButton = canCreate ? (
    <LinkButton href="/admin/customers/new">
      <Plus aria-hidden="true" />
      New customer
    </LinkButton>
  ) : null;
  return (
    <>
      <PageHeader title="Customers" description="Everyone you ship the enterprise edition to: their tier, license, tokens and onboarding." />
      <DataTable
        columns={columns}
        rows={rows}
        total={total}
        query={query}
        filters={filters}
        searchPlaceholder="Search name, slug or email"
        getRowHref={(row) => `/admin/customers/${row.slug}`}
        getRowId={(row) => row.id}
        itemLabel="customers"
        caption="Customers"
        actions={newButton}
        empty={<EmptyState icon={Users} title="No customers yet" description="Create the first one to mint registry tokens and send install instructions." action={newButton} />}
      />
    </>
  );
}
