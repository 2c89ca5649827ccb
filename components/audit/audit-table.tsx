import { ScrollText } from 'lucide-react';
import Link from 'next/link';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { Badge, type Tone } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import type { AuditRow } from '@/lib/audit/list';
import { formatDateTime, formatRelative } from '@/lib/format';
import type { TableQuery } from '@/lib/table/query';

const ACTOR_TONES: Record<string, Tone> = { staff: 'accent', user: 'info', cli: 'neutral', system: 'neutral' };

function Json({ label, value }: { label: string; value: unknown }) {
  if (value === null || value === undefined) return null;
  return (
    <div>
      <div className="mb-1 text-xs font-medium text-muted-foreground">{label}</div>
      <pre className="max-h-64 overflow-auto rounded-md border border-border bg-subtle p-2 font-mono text-xs whitespace-pre-wrap">{JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

function columns(showOrg: boolean, orgHref?: (slug: string) => string): DataTableColumn<AuditRow>[] {
  const list: DataTableColumn<AuditRow>[] = [
    {
      id: 'occurredAt',
      header: 'When',
      sortDescFirst: true,
      cell: ({ row }) => (
        <time dateTime={row.original.occurredAt.toISOString()} title={formatDateTime(row.original.occurredAt)} className="text-muted-foreground">
          {formatRelative(row.original.occurredAt)}
        </time>
      ),
    },
    {
      id: 'actorLabel',
      header: 'Actor',
      cell: ({ row }) => (
        <span className="flex items-center gap-2">
          <Badge tone={ACTOR_TONES[row.original.actorType] ?? 'neutral'}>{row.original.actorType}</Badge>
          <span className="max-w-56 truncate" title={row.original.actorLabel}>
            {row.original.actorLabel}
          </span>
        </span>
      ),
    },
    { id: 'action', header: 'Action', cell: ({ row }) => <code className="font-mono text-xs">{row.original.action}</code> },
    {
      id: 'target',
      header: 'Target',
      cell: ({ row }) => (
        <span className="text-muted-foreground">
          {row.original.targetType}
          {row.original.targetId ? <span className="ml-1 font-mono text-xs">{row.original.targetId.length > 14 ? `${row.original.targetId.slice(0, 13)}…` : row.original.targetId}</span> : null}
        </span>
      ),
    },
  ];
  if (showOrg) {
    list.push({
      id: 'org',
      header: 'Customer',
      cell: ({ row }) =>
        row.original.org ? (
          orgHref ? (
            <Link href={orgHref(row.original.org.slug)} className="hover:underline">
              {row.original.org.name}
            </Link>
          ) : (
            row.original.org.name
          )
        ) : (
          <span className="text-muted-foreground">—</span>
        ),
    });
  }
  list.push(
    { id: 'ip', header: 'IP', cell: ({ row }) => <span className="font-mono text-xs text-muted-foreground">{row.original.ip ?? '—'}</span> },
    {
      id: 'details',
      header: () => <span className="sr-only">Details</span>,
      meta: { align: 'right' },
      cell: ({ row }) => {
        const event = row.original;
        return (
          <details className="group relative text-left">
            <summary className="cursor-pointer list-none text-sm text-primary-strong hover:underline">Details</summary>
            <div className="absolute right-0 z-30 mt-2 w-[32rem] max-w-[80vw] space-y-3 rounded-lg border border-border bg-card p-4 text-sm shadow-lg">
              <dl className="grid grid-cols-[7rem_1fr] gap-x-3 gap-y-1 text-xs">
                <dt className="text-muted-foreground">Event</dt>
                <dd className="font-mono">#{event.id.toString()}</dd>
                <dt className="text-muted-foreground">Time</dt>
                <dd>{event.occurredAt.toISOString()}</dd>
                <dt className="text-muted-foreground">Target</dt>
                <dd className="font-mono break-all">
                  {event.targetType}:{event.targetId ?? '—'}
                </dd>
                <dt className="text-muted-foreground">Request</dt>
                <dd className="font-mono break-all">{event.requestId ?? '—'}</dd>
                <dt className="text-muted-foreground">User agent</dt>
                <dd className="break-all">{event.userAgent ?? '—'}</dd>
                <dt className="text-muted-foreground">Hash</dt>
                <dd className="font-mono break-all">{event.hash}</dd>
              </dl>
              <Json label="Before" value={event.before} />
              <Json label="After" value={event.after} />
              <Json label="Details" value={event.metadata} />
            </div>
          </details>
        );
      },
    },
  );
  return list;
}

export function AuditTable({
  rows,
  total,
  query,
  showOrg,
  orgHref,
}: {
  rows: AuditRow[];
  total: number;
  query: TableQuery;
  showOrg: boolean;
  orgHref?: (slug: string) => string;
}) {
  return (
    <DataTable
      columns={columns(showOrg, orgHref)}
      rows={rows}
      total={total}
      query={query}
      searchable={false}
      itemLabel="events"
      caption="Audit events"
      getRowId={(row) => row.id.toString()}
      empty={<EmptyState icon={ScrollText} title="No audit events yet" description="Every change made by staff, customers, the CLI and the system is recorded here." />}
    />
  );
}
