import { ScrollText } from 'lucide-react';
import Link from 'next/link';
import { DataTable, type DataTableColumn } from '@/components/data-table';
import { Badge, type Tone } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { auditActionLabel, auditTargetLabel } from '@/lib/identity/audit/labels';
import type { AuditRow } from '@/lib/identity/audit/list';
import { AuditDetails } from './audit-details';
import { formatDateTime, formatRelative } from '@/lib/platform/format';
import type { KeysetPage } from '@/lib/platform/table/keyset';
import type { TableQuery } from '@/lib/platform/table/query';

const ACTOR_TONES: Record<string, Tone> = { staff: 'accent', user: 'info', cli: 'neutral', system: 'neutral' };

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
          <span className="max-w-48 truncate" title={row.original.actorLabel}>
            {row.original.actorLabel}
          </span>
        </span>
      ),
    },
    {
      id: 'action',
      header: 'Action',
      // A fixed width, wrapping: the longest labels must not push Details off the edge.
      meta: { wrap: true, className: 'w-52 min-w-52' },
      // Staff filter by the code, so they see it under the label.
      cell: ({ row }) => (
        <span className="block">
          <span className="block">{auditActionLabel(row.original.action)}</span>
          {showOrg ? <code className="block font-mono text-xs text-muted-foreground">{row.original.action}</code> : null}
        </span>
      ),
    },
    {
      id: 'target',
      header: 'Target',
      cell: ({ row }) => (
        <span className="block max-w-48 truncate text-muted-foreground" title={`${row.original.targetType}${row.original.targetId ? `:${row.original.targetId}` : ''}`}>
          {auditTargetLabel(row.original.targetType)}
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
            <Link href={orgHref(row.original.org.slug)} className="block max-w-40 truncate hover:underline" title={row.original.org.name}>
              {row.original.org.name}
            </Link>
          ) : (
            <span className="block max-w-40 truncate" title={row.original.org.name}>
              {row.original.org.name}
            </span>
          )
        ) : (
          <span className="text-muted-foreground">—</span>
        ),
    });
  }
  list.push(
    {
      id: 'ip',
      header: 'IP',
      cell: ({ row }) => (
        <span className="block max-w-32 truncate font-mono text-xs text-muted-foreground" title={row.original.ip ?? undefined}>
          {row.original.ip ?? '—'}
        </span>
      ),
    },
    {
      id: 'details',
      header: () => <span className="sr-only">Details</span>,
      meta: { align: 'right' },
      cell: ({ row }) => {
        const event = row.original;
        return (
          <AuditDetails
            showCode={showOrg}
            event={{
              id: event.id.toString(),
              action: event.action,
              label: auditActionLabel(event.action),
              occurredAt: event.occurredAt.toISOString(),
              actorLabel: event.actorLabel,
              target: `${event.targetType}:${event.targetId ?? '—'}`,
              requestId: event.requestId,
              ip: event.ip,
              userAgent: event.userAgent,
              hash: event.hash,
              before: event.before,
              after: event.after,
              metadata: event.metadata,
            }}
          />
        );
      },
    },
  );
  return list;
}

export function AuditTable({
  rows,
  page,
  onCursorPage,
  query,
  showOrg,
  orgHref,
}: {
  rows: AuditRow[];
  /** Keyset paging: the neighbouring pages' cursors (lib/identity/audit/list.ts). */
  page: KeysetPage;
  /** Whether this page was reached through a cursor (not the first page). */
  onCursorPage: boolean;
  query: TableQuery;
  showOrg: boolean;
  orgHref?: (slug: string) => string;
}) {
  return (
    <DataTable
      columns={columns(showOrg, orgHref)}
      rows={rows}
      keyset={{ ...page, onCursorPage }}
      query={query}
      searchable={false}
      itemLabel="events"
      caption="Audit events"
      getRowId={(row) => row.id.toString()}
      empty={<EmptyState icon={ScrollText} title="No audit events yet" description="Every change made by staff, customers, the CLI and the system is recorded here." />}
    />
  );
}
