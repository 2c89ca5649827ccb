import type { Metadata } from 'next';
import { CustomerForm } from '@/components/customers/customer-form';
import { Card, CardContent } from '@/components/ui/card';
import { updateCustomerAction } from '../../actions';
import { loadCustomer } from '../load';

export const metadata: Metadata = { title: 'Edit customer' };

export default async function EditCustomerPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { customer } = await loadCustomer(slug);
  return (
    <Card className="max-w-3xl">
      <CardContent className="pt-5 sm:pt-6">
        <CustomerForm
          action={updateCustomerAction}
          mode="edit"
          hidden={{ orgId: customer.id }}
          cancelHref={`/admin/customers/${customer.slug}`}
          values={{
            name: customer.name,
            contactEmail: customer.contactEmail,
            tier: customer.tier,
            licenseExpiresAt: customer.licenseExpiresAt?.toISOString().slice(0, 10),
            kubernetesVersion: customer.kubernetesVersion,
            productVersion: customer.productVersion,
            namespace: customer.namespace,
            notes: customer.notes,
          }}
        />
      </CardContent>
    </Card>
  );
}
