import type { Metadata } from 'next';
import Link from 'next/link';
import { CustomerForm } from '@/components/customers/customer-form';
import { CustomerTier, TierSetting } from '@/components/customers/customer-tier';
import { Card, CardContent } from '@/components/ui/card';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { updateCustomerAction } from '../../actions';
import { loadCustomer } from '../load';

export const metadata: Metadata = { title: 'Edit customer' };

export default async function EditCustomerPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { actor, customer } = await loadCustomer(slug);
  const overview = `/admin/customers/${customer.slug}`;
  return (
    <Card className="max-w-3xl">
      <CardContent className="pt-5 sm:pt-6">
        <CustomerForm
          action={updateCustomerAction}
          mode="edit"
          hidden={{ orgId: customer.id }}
          cancelHref={overview}
          tier={
            <TierSetting>
              <CustomerTier tier={customer.tier} manualTier={customer.manualTier} />
              <p className="text-[13px] leading-5 text-muted-foreground">
                Not changed here:{' '}
                {hasStaffPermission(actor, 'billing.manage') ? (
                  <>
                    use{' '}
                    <Link href={overview} className="font-medium text-link">
                      Manual tier on the overview
                    </Link>
                  </>
                ) : (
                  'billing staff set it on the overview'
                )}
                , which records a reason in the audit log and re-issues the license.
              </p>
            </TierSetting>
          }
          values={{
            name: customer.name,
            contactEmail: customer.contactEmail,
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
