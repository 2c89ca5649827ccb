import { CustomerStatusBadge, TierBadge } from '@/components/customers/badges';
import { CUSTOMER_TABS } from '@/components/customers/customer-tabs';
import { CustomerTabsNav } from '@/components/customers/customer-tabs-nav';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { formatDate } from '@/lib/platform/format';
import { loadCustomer } from './load';

export default async function CustomerLayout({ params, children }: { params: Promise<{ slug: string }>; children: React.ReactNode }) {
  const { slug } = await params;
  const { actor, customer } = await loadCustomer(slug);
  const tabs = CUSTOMER_TABS.filter((tab) => !tab.permission || hasStaffPermission(actor, tab.permission));
  return (
    <>
      <PageHeader
        breadcrumbs={[{ label: 'Customers', href: '/admin/customers' }, { label: customer.name }]}
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="min-w-0">{customer.name}</span>
            <TierBadge tier={customer.tier} />
            <CustomerStatusBadge status={customer.status} />
          </span>
        }
        description={
          <>
            Registry username <code className="rounded bg-muted px-1 py-0.5 font-mono text-[13px] text-foreground">{customer.slug}</code> · {customer.contactEmail} · customer since{' '}
            {formatDate(customer.createdAt)}
          </>
        }
        className="mb-4 sm:mb-5"
      />
      {customer.status !== 'active' ? (
        <Alert tone="warning" title={`${customer.name} is ${customer.status}`} className="mb-4">
          Its tokens were revoked{customer.deactivatedAt ? ` on ${formatDate(customer.deactivatedAt)}` : ''} and new ones cannot be minted until it is reactivated.
        </Alert>
      ) : null}
      <CustomerTabsNav slug={customer.slug} tabs={tabs} counts={{ tokens: customer.counts.activeTokens }} />
      {children}
    </>
  );
}
