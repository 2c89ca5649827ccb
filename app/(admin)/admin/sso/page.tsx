import type { Metadata } from 'next';
import { KeyRound } from 'lucide-react';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { ssoOverview } from '@/lib/identity/sso/overview';
import { parseTableQuery } from '@/lib/platform/table/query';

export const metadata: Metadata = { title: 'SSO' };

type Row = Awaited<ReturnType<typeof ssoOverview>>[number];

const columns: DataTableColumn<Row>[] = [
  {
    id: 'name',
    header: 'Customer',
    cell: ({ row }) => (
      <span className="flex min-w-0 flex-col">
        <span className="truncate font-medium" title={row.original.name}>
          {row.original.name}
        </span>
        <span className="font-mono text-xs text-muted-foreground">{row.original.slug}</span>
      </span>
    ),
  },
  {
    id: 'connections',
    header: 'Connections',
    cell: ({ row }) => (row.original.saml + row.original.oidc === 0 ? '—' : [row.original.saml ? `${row.original.saml} SAML` : null, row.original.oidc ? `${row.original.oidc} OIDC` : null].filter(Boolean).join(', ')),
  },
  {
    id: 'domains',
    header: 'Domains',
    meta: { wrap: true },
    cell: ({ row }) =>
      row.original.verified.length + row.original.pending.length === 0 ? (
        '—'
      ) : (
        <span className="flex flex-wrap gap-1">
          {row.original.verified.map((d) => (
            <Badge key={d} tone="success">
              {d}
            </Badge>
          ))}
          {row.original.pending.map((d) => (
            <Badge key={d} tone="warning" title="Pending verification">
              {d} · pending
            </Badge>
          ))}
        </span>
      ),
  },
  { id: 'ssoRequired', header: 'SSO required', cell: ({ row }) => (row.original.ssoRequired ? <Badge tone="info">Required</Badge> : 'No') },
];

export default async function AdminSsoPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requireStaffPage('/admin/sso');
  const query = parseTableQuery(await searchParams, { sortable: [] as const });
  const rows = await ssoOverview(actor, { query: query.q });
  return (
    <>
      <PageHeader title="Single sign-on" description="Customers’ SSO connections and domains. Open one to fix its setup or approve a domain." />
      <DataTable
        columns={columns}
        rows={rows.slice(query.skip, query.skip + query.take)}
        total={rows.length}
        query={query}
        searchPlaceholder="Find a customer by name, slug or domain"
        getRowHref={(row) => `/admin/sso/${encodeURIComponent(row.slug)}`}
        getRowId={(row) => row.id}
        itemLabel="customers"
        caption="Customers' single sign-on"
        empty={
          <EmptyState
            icon={KeyRound}
            title={query.q ? 'No customer matches' : 'No customer uses SSO yet'}
            description={query.q ? 'Try another name, slug or domain.' : 'Search for a customer to set up SSO for them.'}
          />
        }
      />
    </>
  );
}
