import type { Metadata } from 'next';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { auditTabs } from './tabs';
import { Tabs } from '@/components/ui/tabs';
import { hasAuditFilters, parseAuditFilters } from '@/lib/audit/filters';
import { AUDIT_SORTABLE, listAuditEvents } from '@/lib/audit/list';
import { requireStaffPage } from '@/lib/auth/session';
import { parseTableQuery } from '@/lib/table/query';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AdminAuditPage({ searchParams }: { searchParams: SearchParams }) {
  const { actor } = await requireStaffPage('/admin/audit');
  const params = await searchParams;
  const filters = parseAuditFilters(params);
  const query = parseTableQuery(params, { sortable: AUDIT_SORTABLE, defaultSort: 'occurredAt', defaultDir: 'desc', defaultPageSize: 50 });
  const { rows, total } = await listAuditEvents(actor, { kind: 'all' }, filters, query);
  const raw = rawFilterValues(params);
  const exportHref = (format: 'csv' | 'json') => `/admin/audit/export?${new URLSearchParams({ format, ...definedOnly(raw) }).toString()}`;

  return (
    <>
      <PageHeader title="Audit log" description="Every change to customers, tokens, licenses, members and settings: who, what, when, from where, before and after." />
      <Tabs items={auditTabs('events')} label="Audit sections" className="mb-6" />
      <div className="space-y-4">
        <AuditFilters action="/admin/audit" values={raw} exportHref={exportHref} />
        {hasAuditFilters(filters) && total === 0 ? (
          <div className="rounded-lg border border-border bg-card shadow-card">
            <EmptyState title="No events match" description="Try a wider date range or fewer filters." />
          </div>
        ) : (
          <AuditTable rows={rows} total={total} query={query} showOrg orgHref={(slug) => `/admin/customers/${slug}`} />
        )}
      </div>
    </>
  );
}

function rawFilterValues(params: Record<string, string | string[] | undefined>) {
  const pick = (key: string) => {
    const value = params[key];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    return text ? text.slice(0, 200) : undefined;
  };
  return { actor: pick('actor'), action: pick('action'), target: pick('target'), from: pick('from'), to: pick('to') };
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => !!entry[1]));
}
