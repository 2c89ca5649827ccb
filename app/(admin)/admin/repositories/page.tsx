import type { Metadata } from 'next';
import { Boxes, Lock, Plus } from 'lucide-react';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { Badge } from '@/components/ui/badge';
import { LinkButton } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { registryHost } from '@/lib/platform/config/public-url';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { listRepositories } from '@/lib/product/registry/repositories';
import { parseTableQuery } from '@/lib/platform/table/query';

export const metadata: Metadata = { title: 'Repositories' };

type Row = Awaited<ReturnType<typeof listRepositories>>[number];

const columns: DataTableColumn<Row>[] = [
  {
    id: 'name',
    header: 'Repository',
    cell: ({ row }) => (
      <span className="flex flex-col">
        <span className="font-mono text-[13px]">{row.original.name}</span>
        {row.original.description ? <span className="text-xs font-normal text-muted-foreground">{row.original.description}</span> : null}
      </span>
    ),
  },
  {
    id: 'upstream',
    header: 'Upstream',
    cell: ({ row }) => (
      <span className="font-mono text-xs text-muted-foreground">
        {row.original.upstreamUrl.replace(/^https?:\/\//, '')}/{row.original.upstreamRepository}
      </span>
    ),
  },
  {
    id: 'credential',
    header: 'Credential',
    cell: ({ row }) =>
      row.original.hasUpstreamSecret ? (
        <Badge tone="success">
          <Lock className="size-3" aria-hidden="true" />
          {row.original.upstreamUsername ?? 'stored'}
        </Badge>
      ) : (
        <Badge>anonymous</Badge>
      ),
  },
  {
    id: 'defaultTag',
    header: 'Version',
    cell: ({ row }) =>
      row.original.defaultTag === 'latest' ? (
        <Badge tone="warning">latest: pin a version</Badge>
      ) : (
        <code className="font-mono text-xs">{row.original.defaultTag}</code>
      ),
  },
  {
    id: 'customers',
    header: 'Customers',
    meta: { align: 'right' },
    // A chart's customers are its image's.
    cell: ({ row }) => (row.original.image ? <span className="text-muted-foreground">chart of {row.original.image.name}</span> : row.original.customers),
  },
];

export default async function RepositoriesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requireStaffPage('/admin/repositories', 'repositories.view');
  const query = parseTableQuery(await searchParams, { sortable: [] as const });
  const all = await listRepositories(actor);
  const q = query.q.toLowerCase();
  const rows = q ? all.filter((row) => row.name.includes(q) || row.description?.toLowerCase().includes(q)) : all;
  const register = hasStaffPermission(actor, 'repositories.manage') ? (
    <LinkButton href="/admin/repositories/new">
      <Plus aria-hidden="true" />
      Register repository
    </LinkButton>
  ) : null;
  return (
    <>
      <PageHeader
        title="Repositories"
        description={
          <>
            What the registry at <code className="font-mono">{registryHost()}</code> serves, and where it fetches it from. Upstream credentials stay on the server.
          </>
        }
      />
      <DataTable
        columns={columns}
        rows={rows.slice(query.skip, query.skip + query.take)}
        total={rows.length}
        query={query}
        searchPlaceholder="Search repositories"
        getRowHref={(row) => `/admin/repositories/${row.id}`}
        getRowId={(row) => row.id}
        itemLabel="repositories"
        caption="Repositories"
        actions={register}
        empty={<EmptyState icon={Boxes} title="No repositories yet" description="Register the image customers pull, then grant it to customers." action={register} />}
      />
    </>
  );
}
