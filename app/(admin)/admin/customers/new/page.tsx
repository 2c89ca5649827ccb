import type { Metadata } from 'next';
import { CustomerForm } from '@/components/customers/customer-form';
import { CustomerTier, TierSetting } from '@/components/customers/customer-tier';
import { Card, CardContent } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { createCustomerAction } from '../actions';

export const metadata: Metadata = { title: 'New customer' };

export default async function NewCustomerPage() {
  const { actor } = await requireStaffPage('/admin/customers/new');
  // A paid starting tier is a manual tier: billing staff only (see initialTier).
  const tier = hasStaffPermission(actor, 'billing.manage') ? undefined : (
    <TierSetting>
      <CustomerTier tier="community" manualTier={null} />
    </TierSetting>
  );
  return (
    <div className="max-w-3xl">
      <PageHeader
        title="New customer"
        description="What you collect at kickoff. You can grant repositories and mint a pull token right after."
        breadcrumbs={[{ label: 'Customers', href: '/admin/customers' }, { label: 'New customer' }]}
      />
      <Card>
        <CardContent className="pt-5 sm:pt-6">
          <CustomerForm action={createCustomerAction} mode="create" tier={tier} cancelHref="/admin/customers" />
        </CardContent>
      </Card>
    </div>
  );
}
