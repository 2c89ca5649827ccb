import type { Metadata } from 'next';
import Link from 'next/link';
import { ExpiringLicensesCard, ExpiryListCard } from '@/components/licenses/expiring-licenses';
import { PageHeader } from '@/components/ui/page-header';
import { Tabs } from '@/components/ui/tabs';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { EXPIRY_WINDOWS, expiringSoon, type ExpiryWindow } from '@/lib/product/licensing/expiry';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { LicensingTabs } from '../_components/tabs';

export const metadata: Metadata = { title: 'Expiring' };

export default async function ExpiringPage({ searchParams }: { searchParams: Promise<{ days?: string }> }) {
  const { actor } = await requireStaffPage('/admin/licenses/expiring');
  const requested = Number((await searchParams).days);
  const days: ExpiryWindow = (EXPIRY_WINDOWS as readonly number[]).includes(requested) ? (requested as ExpiryWindow) : 30;
  const { licenses, tokens } = await expiringSoon(actor, days);
  return (
    <>
      <PageHeader title="Expiring" description="Licenses and registry tokens that run out soon, so renewals happen before products lock or pulls fail." />
      <LicensingTabs active="expiring" canManageKeys={hasStaffPermission(actor, 'signing_keys.manage')} />
      <Tabs label="Window" className="mb-6" items={EXPIRY_WINDOWS.map((d) => ({ href: `/admin/licenses/expiring?days=${d}`, label: `${d} days`, active: d === days }))} />
      <div className="grid gap-6 xl:grid-cols-2">
        <ExpiringLicensesCard title={`Licenses (${licenses.length})`} licenses={licenses} days={days} />
        <ExpiryListCard
          title={`Registry tokens (${tokens.length})`}
          rows={tokens}
          empty={`No registry token expires in the next ${days} days`}
          label={(t) => (
            <span className="min-w-0 truncate">
              <Link href={`/admin/customers/${t.org.slug}`} className="font-medium hover:underline">
                {t.org.name}
              </Link>{' '}
              <span className="text-muted-foreground">
                {t.name} <code className="font-mono text-xs">{t.prefix}…</code>
              </span>
            </span>
          )}
        />
      </div>
    </>
  );
}
