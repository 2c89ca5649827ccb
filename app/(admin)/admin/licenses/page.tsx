import type { Metadata } from 'next';
import Link from 'next/link';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { loadFlags } from '@/lib/plans/license';
import { TIER_KEYS, TIERS } from '@/lib/plans/tiers';
import { formatDate } from '@/lib/platform/format';
import { type LicenseView } from '@/lib/product/licensing/license-row';
import { LICENSE_FILTERS, LICENSE_SORTS, listLicenses } from '@/lib/product/licensing/read';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { parseTableQuery } from '@/lib/platform/table/query';
import { issueLicenseAction } from './actions';
import { IssueLicenseForm } from './_components/forms';
import { LicenseStatusBadge, TierBadge } from '@/components/licenses/license-badges';
import { LicensingTabs } from './_components/tabs';

export const metadata: Metadata = { title: 'Licenses' };

const columns: DataTableColumn<LicenseView>[] = [
  {
    id: 'customer',
    header: 'Customer',
    cell: ({ row }) => (
      <span className="flex flex-col">
        <span className="font-medium">{row.original.org.name}</span>
        <span className="font-mono text-xs text-muted-foreground">{row.original.jti.slice(0, 8)}…</span>
      </span>
    ),
  },
  { id: 'tier', header: 'Tier', cell: ({ row }) => <TierBadge tier={row.original.tier} /> },
  { id: 'status', header: 'Status', enableSorting: false, cell: ({ row }) => <LicenseStatusBadge status={row.original.status} /> },
  { id: 'issuedAt', header: 'Issued', sortDescFirst: true, cell: ({ row }) => formatDate(row.original.issuedAt) },
  { id: 'expiresAt', header: 'Expires', cell: ({ row }) => formatDate(row.original.expiresAt) },
  { id: 'kid', header: 'Key', enableSorting: false, cell: ({ row }) => <span className="font-mono text-xs">{row.original.kid.slice(0, 10)}…</span> },
];

export default async function LicensesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requireStaffPage('/admin/licenses');
  const query = parseTableQuery(await searchParams, { sortable: LICENSE_SORTS, defaultSort: 'issuedAt', defaultDir: 'desc', filters: LICENSE_FILTERS });
  const [{ rows, total }, flags] = await Promise.all([
    listLicenses(actor, { q: query.q, status: query.filters.status, tier: query.filters.tier, sort: query.sort, dir: query.dir, skip: query.skip, take: query.take }),
    loadFlags(),
  ]);
  const canIssue = hasStaffPermission(actor, 'licenses.issue');
  return (
    <>
      <PageHeader
        title="Licenses"
        description="Ed25519-signed license keys for customers' self-hosted products, verified offline against the published keys."
        actions={
          <>
            <a className="text-sm text-link" href="/.well-known/jwks.json">
              JWKS
            </a>
            <a className="text-sm text-link" href="/api/v1/licenses/revocations?format=json">
              Revocation list
            </a>
          </>
        }
      />
      <LicensingTabs active="licenses" canManageKeys={hasStaffPermission(actor, 'signing_keys.manage')} />
      <DataTable
        columns={columns}
        rows={rows}
        total={total}
        query={query}
        caption="Licenses"
        itemLabel="licenses"
        searchPlaceholder="Search customer or jti"
        getRowHref={(row) => `/admin/licenses/${row.id}`}
        getRowId={(row) => row.id}
        filters={[
          { id: 'status', label: 'Status', options: [{ value: 'active', label: 'Active' }, { value: 'expiring', label: 'Expiring in 30 days' }, { value: 'expired', label: 'Expired' }, { value: 'revoked', label: 'Revoked' }] },
          { id: 'tier', label: 'Tier', options: TIER_KEYS.map((tier) => ({ value: tier, label: TIERS[tier].label })) },
        ]}
        empty={<p className="text-sm text-muted-foreground">No licenses yet. Issue one below or from a customer&apos;s page.</p>}
      />
      {canIssue ? (
        <Card className="mt-8">
          <CardHeader>
            <CardTitle>Issue a license</CardTitle>
            <p className="text-sm text-muted-foreground">
              Or from the customer&apos;s page, or <code className="font-mono text-xs">portcullis licenses issue CUSTOMER</code>.{' '}
              <Link href="/admin/licenses/features" className="text-link">
                Tiers and features
              </Link>
            </p>
          </CardHeader>
          <CardContent>
            <IssueLicenseForm action={issueLicenseAction} features={[...flags.values()].map((f) => ({ key: f.key, label: f.label, minTier: f.minTier }))} />
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
