import type { Metadata } from 'next';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Tabs } from '@/components/ui/tabs';
import { hasAuditFilters, parseAuditFilters, rawAuditFilterValues } from '@/lib/identity/audit/filters';
import { AUDIT_SORTABLE, listAuditEvents } from '@/lib/identity/audit/list';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { parseKeysetParams } from '@/lib/platform/table/keyset';
import { parseTableQuery } from '@/lib/platform/table/query';
import { auditTabs } from './tabs';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminAuditPage({ searchParams }: { searchParams: SearchParams }) {
  const { actor } = await requireStaffPage('/admin/audit');
  const params = await searchParams;
  const filters = parseAuditFilters(params);
  const query = parseTableQuery(params, { sortable: AUDIT_SORTABLE, defaultSort: 'occurredAt', defaultDir: 'desc', defaultPageSize: 50 });
  const keyset = parseKeysetParams(params);
  const { rows, page } = await listAuditEvents(actor, { kind: 'all' }, filters, { ...query, ...keyset });
  const onCursorPage = !!(keyset.after ?? keyset.before);
  const raw = rawAuditFilterValues(params);
  const exportHref = (format: 'csv' | 'json') => `/admin/audit/export?${new URLSearchParams({ format, ...raw }).toString()}`;

  return (
    <>
      <PageHeader title="Audit log" description="Every change to customers, tokens, licenses, members and settings: who, what, when, from where, before and after." />
      <Tabs items={auditTabs('events')} label="Audit sections" className="mb-6" />
      <div className="space-y-4">
        <AuditFilters action="/admin/audit" values={raw} exportHref={exportHref} />
        {hasAuditFilters(filters) && rows.length === 0 && !onCursorPage && !page.next ? (
          <div className="rounded-lg border border-border bg-card shadow-card">
            <EmptyState title="No events match" description="Try a wider date range or fewer filters." />
          </div>
        ) : (
          <AuditTable rows={rows} page={page} onCursorPage={onCursorPage} query={query} showOrg orgHref={(slug) => `/admin/customers/${slug}`} />
        )}
      </div>
    </>
  );
}
