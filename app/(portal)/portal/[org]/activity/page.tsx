import type { Metadata } from 'next';
import { PullSummary } from '@/components/stats/pull-summary';
import { RecentDenials } from '@/components/stats/recent-denials';
import { StatsFilter } from '@/components/stats/stats-filter';
import { TableCard } from '@/components/stats/table-card';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { RelativeTime } from '@/components/ui/relative-time';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { isAppError } from '@/lib/platform/errors';
import { formatCount as number, formatDate, formatReference, formatRelative } from '@/lib/platform/format';
import { getPullStats, type PullStats } from '@/lib/product/stats/pull-stats';
import { statsQueryFromSearchParams } from '@/lib/product/stats/query-params';

export const metadata: Metadata = { title: 'Pull activity' };

export default async function ActivityPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'pulls.view');
  const org = access.org;
  const raw = await searchParams;
  // Only this org: the customer parameter of the staff page does not apply here.
  const { query } = statsQueryFromSearchParams({ ...raw, customer: undefined }, []);
  let stats: PullStats | null = null;
  let error: string | null = null;
  try {
    stats = await getPullStats(actor, { ...query, orgId: org.id });
  } catch (cause) {
    if (!isAppError(cause)) throw cause;
    error = cause.message;
  }
  const action = `/portal/${encodeURIComponent(org.slug)}/activity`;

  return (
    <>
      <PageHeader
        title="Pull activity"
        description={
          stats
            ? `${formatDate(stats.range.from)} – ${formatDate(stats.range.to)} (UTC). A pull is a successful image download through the registry, counted once per token and image within a minute.`
            : 'Image pulls by your clusters through the registry.'
        }
      />
      <StatsFilter action={action} values={{ from: stats?.range.from ?? String(raw.from ?? ''), to: stats?.range.to ?? String(raw.to ?? '') }} />
      {error || !stats ? (
        <Alert tone="danger" title="Cannot show this activity">
          {error}
        </Alert>
      ) : (
        <div className="space-y-6">
          <PullSummary stats={stats} third={{ label: 'Images pulled', value: stats.topImages.length }} />
          <div className="grid gap-6 lg:grid-cols-2">
            <TableCard
              title="Images"
              caption="Images pulled"
              empty="No pulls in this period"
              rows={stats.topImages}
              rowKey={(row) => row.repository}
              columns={[
                { header: 'Image', cell: (row) => <span className="font-mono text-xs">{row.repository}</span> },
                { header: 'Pulls', align: 'right', cell: (row) => number(row.pulls) },
              ]}
            />
            <TableCard
              title="Versions"
              description={
                <>
                  Tags and digests your clusters pulled.
                  {stats.allowedVersions.map((row) => (
                    <span key={row.repository} className="block" data-testid="allowed-versions">
                      You may run <span className="font-mono text-xs">{row.repository}</span>: {row.versions}.
                    </span>
                  ))}
                </>
              }
              caption="Versions pulled"
              empty="No pulls in this period"
              rows={stats.adoption}
              rowKey={(row) => `${row.repository}:${row.reference}`}
              columns={[
                { header: 'Version', cell: (row) => <span className="font-mono text-xs">{`${row.repository}:${row.reference}`}</span> },
                { header: 'Pulls', align: 'right', cell: (row) => number(row.pulls) },
                { header: 'Last pull', align: 'right', cell: (row) => <span className="text-muted-foreground">{formatRelative(row.lastPullAt)}</span> },
              ]}
            />
            <TableCard
              title="Recent pulls"
              description="The latest images your clusters pulled, and with which token."
              className="lg:col-span-2"
              caption="Recent pulls"
              empty="No pulls in this period"
              rows={stats.recentPulls}
              rowKey={(row) => row.id}
              columns={[
                { header: 'When', cell: (row) => <RelativeTime value={row.occurredAt} className="text-muted-foreground" /> },
                { header: 'Image', cell: (row) => <span className="font-mono text-xs break-all">{`${row.repository}:${formatReference(row.reference)}`}</span> },
                { header: 'Token', cell: (row) => row.tokenName ?? <span className="text-muted-foreground">—</span> },
                { header: 'From', align: 'right', cell: (row) => <span className="font-mono text-xs text-muted-foreground">{row.clientIp ?? '—'}</span> },
              ]}
            />
          </div>
          <RecentDenials rows={stats.recentDenials} audience="customer" />
        </div>
      )}
    </>
  );
}
