import type { Metadata } from 'next';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { UpgradeGate } from '@/components/features/upgrade-gate';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Tabs } from '@/components/ui/tabs';
import { hasAuditFilters, parseAuditFilters, rawAuditFilterValues } from '@/lib/identity/audit/filters';
import { AUDIT_SORTABLE, listAuditEvents } from '@/lib/identity/audit/list';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { parseKeysetParams } from '@/lib/platform/table/keyset';
import { parseTableQuery } from '@/lib/platform/table/query';
import { portalAuditTabs } from './tabs';

export const metadata: Metadata = { title: 'Audit log' };

type Props = { params: Promise<{ org: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PortalAuditPage({ params, searchParams }: Props) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'audit.view');
  const base = `/portal/${encodeURIComponent(access.org.slug)}/audit`;
  return (
    <>
      <PageHeader title="Audit log" description="Everything your team, the vendor's staff and automated systems changed in your organization." />
      <Tabs items={portalAuditTabs(access.org.slug, 'events', access.permissions.includes('siem.manage'))} label="Audit sections" className="mb-6" />
      <UpgradeGate feature="audit_log" org={access.org}>
        <Events actor={actor} slug={access.org.slug} base={base} params={await searchParams} />
      </UpgradeGate>
    </>
  );
}

async function Events({ actor, slug, base, params }: { actor: Parameters<typeof listAuditEvents>[0]; slug: string; base: string; params: Record<string, string | string[] | undefined> }) {
  const filters = parseAuditFilters(params);
  const query = parseTableQuery(params, { sortable: AUDIT_SORTABLE, defaultSort: 'occurredAt', defaultDir: 'desc', defaultPageSize: 50 });
  const keyset = parseKeysetParams(params);
  const { rows, page } = await listAuditEvents(actor, { kind: 'org', slug }, filters, { ...query, ...keyset });
  const onCursorPage = !!(keyset.after ?? keyset.before);
  const raw = rawAuditFilterValues(params);
  return (
    <div className="space-y-4">
      <AuditFilters action={base} values={raw} exportHref={(format) => `${base}/export?${new URLSearchParams({ format, ...raw }).toString()}`} />
      {hasAuditFilters(filters) && rows.length === 0 && !onCursorPage && !page.next ? (
        <div className="rounded-lg border border-border bg-card shadow-card">
          <EmptyState title="No events match" description="Try a wider date range or fewer filters." />
        </div>
      ) : (
        <AuditTable rows={rows} page={page} onCursorPage={onCursorPage} query={query} showOrg={false} />
      )}
    </div>
  );
}
