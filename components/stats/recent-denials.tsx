import { Badge } from '@/components/ui/badge';
import { formatDateTime, formatReference } from '@/lib/platform/format';
import type { PullStats } from '@/lib/product/stats/pull-stats';
import type { SimpleColumn } from '@/components/ui/simple-table';
import { TableCard } from './table-card';

type Denial = PullStats['recentDenials'][number];

const DESCRIPTIONS = {
  staff: 'The latest refused requests in this period and why.',
  customer: 'Requests the registry refused: an expired, revoked or mistyped token, or an image your plan does not include.',
};

/** The registry's latest refused requests: staff see every customer's (with a Customer column), a customer sees its own. */
export function RecentDenials({ rows, audience }: { rows: readonly Denial[]; audience: 'staff' | 'customer' }) {
  const columns: SimpleColumn<Denial>[] = [
    { header: 'When', cell: (row) => <time dateTime={row.occurredAt.toISOString()} className="whitespace-nowrap text-muted-foreground">{formatDateTime(row.occurredAt)}</time> },
    ...(audience === 'staff'
      ? [{ header: 'Customer', cell: (row: Denial) => row.orgName ?? <span className="text-muted-foreground">{row.username ?? 'unknown'}</span> }]
      : []),
    { header: 'Image', cell: (row) => <span className="font-mono text-xs">{`${row.repository}:${formatReference(row.reference)}`}</span> },
    { header: 'Outcome', cell: (row) => <Badge tone={row.outcome === 'rate_limited' ? 'warning' : 'danger'}>{row.outcome.replace('_', ' ')}</Badge> },
    { header: 'Reason', cell: (row) => <span className="text-muted-foreground">{row.reason ?? '—'}</span> },
    { header: 'Client', align: 'right', cell: (row) => <span className="font-mono text-xs text-muted-foreground">{row.clientIp ?? '—'}</span> },
  ];
  return (
    <TableCard
      title="Recent denials"
      description={DESCRIPTIONS[audience]}
      caption="Recent denied requests"
      empty="No denied requests in this period"
      rows={rows}
      rowKey={(row) => row.id}
      columns={columns}
    />
  );
}
