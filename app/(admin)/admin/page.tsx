import type { Metadata } from 'next';
import { ExpiringLicensesCard } from '@/components/licenses/expiring-licenses';
import { QuotaWarningsCard } from '@/components/features/quota-warnings-card';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Stat } from '@/components/ui/stat';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { auditActionLabel } from '@/lib/identity/audit/labels';
import { getStaffOverview } from '@/lib/product/dashboard/staff-overview';
import { formatRelative } from '@/lib/platform/format';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function AdminDashboard() {
  const { actor, user } = await requireStaffPage();
  const overview = await getStaffOverview(actor);
  return (
    <>
      <PageHeader title={`Welcome back${user.name ? `, ${user.name.split(' ')[0]}` : ''}`} description="Your customers at a glance." />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="Customers" value={overview.customers.toLocaleString('en-US')} hint={`${overview.activeCustomers.toLocaleString('en-US')} active`} />
        <Stat label="Active pull tokens" value={overview.activeTokens.toLocaleString('en-US')} />
        <Stat label="Pulls, last 7 days" value={overview.pullsThisWeek.toLocaleString('en-US')} hint={`${overview.deniedThisWeek.toLocaleString('en-US')} denied`} />
        <Stat label="Licenses expiring in 30 days" value={overview.expiringLicenses.length.toLocaleString('en-US')} />
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <ExpiringLicensesCard
          title="Expiring soon"
          licenses={overview.expiringLicenses.slice(0, 5)}
          days={30}
          more={overview.expiringLicenses.length > 5 ? { href: '/admin/licenses/expiring?days=30', label: `All ${overview.expiringLicenses.length} expiring licenses` } : undefined}
        />
        <Card>
          <CardHeader>
            <CardTitle>Recent activity</CardTitle>
          </CardHeader>
          <CardContent>
            {overview.recent.length === 0 ? (
              <EmptyState title="No activity yet" />
            ) : (
              <ul className="divide-y divide-border">
                {overview.recent.map((event) => (
                  <li key={event.id.toString()} className="flex items-center justify-between gap-4 py-2 text-sm">
                    <span className="min-w-0 truncate">
                      <span title={event.action}>{auditActionLabel(event.action)}</span>{' '}
                      <span className="text-muted-foreground">by {event.actorLabel}</span>
                    </span>
                    <time dateTime={event.occurredAt.toISOString()} className="shrink-0 text-muted-foreground">
                      {formatRelative(event.occurredAt)}
                    </time>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
        <QuotaWarningsCard />
      </div>
    </>
  );
}
