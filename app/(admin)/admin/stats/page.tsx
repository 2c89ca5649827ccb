import type { Metadata } from 'next';
import Link from 'next/link';
import { PullSummary } from '@/components/stats/pull-summary';
import { RecentDenials } from '@/components/stats/recent-denials';
import { StatsFilter } from '@/components/stats/stats-filter';
import { TableCard } from '@/components/stats/table-card';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { isAppError } from '@/lib/platform/errors';
import { formatCount as number, formatDate, formatDateTime, formatReference, formatRelative } from '@/lib/platform/format';
import { customerOptions } from '@/lib/product/customers/schema';
import { getPullStats, type PullStats } from '@/lib/product/stats/pull-stats';
import { adoptionByCustomer, statsQueryFromSearchParams } from '@/lib/product/stats/query-params';

export const metadata: Metadata = { title: 'Pull statistics' };

export default async function StatsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requireStaffPage('/admin/stats');
  const params = await searchParams;
  const customers = await prisma.organization.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, slug: true } });
  const { query, selected } = statsQueryFromSearchParams(params, customers);

  let stats: PullStats | null = null;
  let error: string | null = null;
  try {
    stats = await getPullStats(actor, query);
  } catch (cause) {
    if (!isAppError(cause)) throw cause;
    error = cause.message;
  }

  return (
    <>
      <PageHeader
        title="Pull statistics"
        description={
          stats
            ? `${selected ? `${selected.name}: ` : ''}${formatDate(stats.range.from)} – ${formatDate(stats.range.to)} (UTC). A pull is a successful manifest request, counted once per token and image within a minute.`
            : 'Pulls through the registry gateway.'
        }
      />
      <StatsFilter
        customers={customerOptions(customers)}
        values={{ from: stats?.range.from ?? String(params.from ?? ''), to: stats?.range.to ?? String(params.to ?? ''), customer: selected?.slug ?? '' }}
      />
      {error || !stats ? (
        <Alert tone="danger" title="Cannot show these statistics">
          {error}
        </Alert>
      ) : (
        <StatsBody stats={stats} customerView={!!selected} />
      )}
    </>
  );
}

function StatsBody({ stats, customerView }: { stats: PullStats; customerView: boolean }) {
  const adoption = adoptionByCustomer(stats.adoption);
  return (
    <div className="space-y-6">
      <PullSummary
        stats={stats}
        third={customerView ? { label: 'Images pulled', value: stats.topImages.length } : { label: 'Customers pulling', value: stats.totals.customersPulling }}
      />

      <div className="grid gap-6 lg:grid-cols-2">
        {customerView ? null : (
          <TableCard
            title="By customer"
            caption="Pulls by customer"
            empty="No customer pulled in this period"
            rows={stats.customers}
            rowKey={(row) => row.orgId}
            columns={[
              { header: 'Customer', cell: (row) => <Link className="font-medium hover:underline" href={`/admin/stats?customer=${encodeURIComponent(row.slug)}&from=${stats.range.from}&to=${stats.range.to}`}>{row.name}</Link> },
              { header: 'Pulls', align: 'right', cell: (row) => number(row.pulls) },
              { header: 'Denied', align: 'right', cell: (row) => (row.denials ? <span className="text-danger-strong">{number(row.denials)}</span> : '0') },
              { header: 'Last pull', align: 'right', cell: (row) => <span className="text-muted-foreground">{row.lastPullAt ? formatRelative(row.lastPullAt) : '—'}</span> },
            ]}
          />
        )}
        <TableCard
          title="Top images"
          caption="Most pulled images"
          empty="No pulls in this period"
          rows={stats.topImages}
          rowKey={(row) => row.repository}
          columns={[
            { header: 'Image', cell: (row) => <span className="font-mono text-xs">{row.repository}</span> },
            { header: 'Pulls', align: 'right', cell: (row) => number(row.pulls) },
            { header: 'Customers', align: 'right', cell: (row) => number(row.customers) },
          ]}
        />
        <TableCard
          title="Top tags"
          caption="Most pulled tags"
          empty="No pulls in this period"
          rows={stats.topTags}
          rowKey={(row) => `${row.repository}:${row.reference}`}
          columns={[
            { header: 'Image', cell: (row) => <span className="font-mono text-xs">{row.repository}</span> },
            { header: 'Tag or digest', cell: (row) => <span className="font-mono text-xs">{formatReference(row.reference)}</span> },
            { header: 'Pulls', align: 'right', cell: (row) => number(row.pulls) },
            { header: 'Customers', align: 'right', cell: (row) => number(row.customers) },
          ]}
        />
        <TableCard
          title="Version adoption"
          description="Tags each customer pulled, most recent first."
          className={customerView ? undefined : 'lg:col-span-1'}
          caption="Tags pulled per customer and image"
          empty="No pulls in this period"
          rows={adoption}
          rowKey={(row) => `${row.orgId}:${row.repository}`}
          columns={[
            { header: 'Customer', cell: (row) => <span className="font-medium">{row.name}</span> },
            { header: 'Image', cell: (row) => <span className="font-mono text-xs">{row.repository}</span> },
            {
              header: 'Tags',
              cell: (row) => (
                <span className="flex flex-wrap gap-1">
                  {row.tags.map((tag, index) => (
                    <Badge key={tag.reference} tone={index === 0 ? 'accent' : 'neutral'} title={`${number(tag.pulls)} pulls, last ${formatDateTime(tag.lastPullAt)}`}>
                      {formatReference(tag.reference)}
                    </Badge>
                  ))}
                </span>
              ),
            },
          ]}
        />
        {customerView ? null : (
          <TableCard
            title="Never pulled"
            description="Active customers without a single successful pull, ever."
            caption="Active customers who never pulled"
            empty="Every active customer has pulled"
            rows={stats.neverPulled}
            rowKey={(row) => row.orgId}
            columns={[
              { header: 'Customer', cell: (row) => <Link className="font-medium hover:underline" href={`/admin/customers/${encodeURIComponent(row.slug)}`}>{row.name}</Link> },
              { header: 'Customer since', align: 'right', cell: (row) => <span className="text-muted-foreground">{formatDate(row.createdAt)}</span> },
            ]}
          />
        )}
      </div>

      <RecentDenials rows={stats.recentDenials} audience="staff" />
    </div>
  );
}
