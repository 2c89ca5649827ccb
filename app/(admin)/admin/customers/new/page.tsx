import type { Metadata } from 'next';
import { CustomerForm } from '@/components/customers/customer-form';
import { Card, CardContent } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/auth/session';
import { createCustomerAction } from '../actions';

export const metadata: Metadata = { title: 'New customer' };

export default async function NewCustomerPage() {
  await requireStaffPage('/admin/customers/new');
  return (
    <div className="max-w-3xl">
      <PageHeader
        title="New customer"
        description="What you collect at kickoff. You can entitle repositories and mint a pull token right after."
        breadcrumbs={[{ label: 'Customers', href: '/admin/customers' }, { label: 'New customer' }]}
      />
      <Card>
        <CardContent className="pt-5 sm:pt-6">
          <CustomerForm action={createCustomerAction} mode="create" cancelHref="/admin/customers" />
        </CardContent>
      </Card>
    </div>
  );
}
