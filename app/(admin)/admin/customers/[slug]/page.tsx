import type { Metadata } from 'next';
import Link from 'next/link';
import { Pencil } from 'lucide-react';
import { ManualTierDialog } from '@/components/billing/manual-tier-dialog';
import { ExpiryDate } from '@/components/customers/badges';
import { CustomerTier } from '@/components/customers/customer-tier';
import { RepositoryGrants } from '@/components/customers/repository-grants';
import { CustomerQuotaForm } from '@/components/customers/quota-form';
import { LinkButton } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { KeyValueList } from '@/components/ui/key-value-list';
import { getCustomerQuotas } from '@/lib/product/features/customer-quotas';
import { TIERS, tierOf } from '@/lib/plans/tiers';
import { ONBOARDING_ITEMS } from '@/lib/identity/onboarding/items';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { listRepositoryGrants, listRepositories } from '@/lib/product/registry/repositories';
import { manualTierAction } from '../../billing/actions';
import { deactivateCustomerAction, grantAction, grantVersionsAction, reactivateCustomerAction, setCustomerQuotasAction, removeGrantAction } from '../actions';
import { loadCustomer } from './load';
import { CustomerPeople } from './people';

export const metadata: Metadata = { title: 'Customer' };

export default async function CustomerOverview({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { actor, customer } = await loadCustomer(slug);
  const canManageGrants = hasStaffPermission(actor, 'grants.manage');
  const [granted, repositories] = await Promise.all([
    listRepositoryGrants(actor, customer.id),
    hasStaffPermission(actor, 'repositories.view') ? listRepositories(actor) : Promise.resolve([]),
  ]);
  const org = { id: customer.id, slug: customer.slug, name: customer.name };
  const quotas = await getCustomerQuotas(actor, customer.id);
  const done = customer.counts.checklistDone;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="space-y-6">
        <Card>
          <CardHeader className="flex-row items-start justify-between gap-4">
            <div className="space-y-1">
              <CardTitle>Details</CardTitle>
              <CardDescription>What we know about their subscription and deployment.</CardDescription>
            </div>
            {hasStaffPermission(actor, 'customers.update') ? (
              <LinkButton href={`/admin/customers/${customer.slug}/edit`} variant="secondary" size="sm">
                <Pencil aria-hidden="true" />
                Edit
              </LinkButton>
            ) : null}
          </CardHeader>
          <CardContent>
            <KeyValueList
              items={[
                { label: 'Contact email', value: <a className="hover:underline" href={`mailto:${customer.contactEmail}`}>{customer.contactEmail}</a> },
                {
                  label: 'Tier',
                  value: (
                    <CustomerTier tier={customer.tier} manualTier={customer.manualTier}>
                      {hasStaffPermission(actor, 'billing.manage') ? <ManualTierDialog org={org} manualTier={customer.manualTier} action={manualTierAction} /> : null}
                    </CustomerTier>
                  ),
                },
                { label: 'License expires', value: <ExpiryDate value={customer.licenseExpiresAt} /> },
                { label: 'Kubernetes version', value: customer.kubernetesVersion ?? '—' },
                { label: 'Product version', value: customer.productVersion ?? '—' },
                { label: 'Target namespace', value: customer.namespace ? <code className="font-mono text-[13px]">{customer.namespace}</code> : '— (the slug is used)' },
                { label: 'Notes', value: customer.notes ? <span className="whitespace-pre-wrap">{customer.notes}</span> : '—' },
              ]}
            />
          </CardContent>
        </Card>
        <CustomerPeople actor={actor} customer={customer} />
        <Card>
          <CardHeader>
            <CardTitle>Limits</CardTitle>
            <CardDescription>
              This customer&apos;s own limits over the {TIERS[tierOf(customer.tier)].label} plan&apos;s. Past the monthly pull limit and its grace the registry refuses new pulls; seats are checked on invitations and SSO sign-ins.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {hasStaffPermission(actor, 'billing.manage') ? (
              <CustomerQuotaForm
                action={setCustomerQuotasAction}
                org={org}
                own={quotas.limits}
                defaults={TIERS[tierOf(customer.tier)].limits}
                warningThreshold={quotas.warningThreshold}
                pullGracePercent={quotas.pullGracePercent}
              />
            ) : (
              <KeyValueList
                items={Object.entries(quotas.limits).map(([key, value]) => ({ label: key, value: value === null ? 'unlimited' : String(value) })).concat(Object.keys(quotas.limits).length ? [] : [{ label: 'Limits', value: 'the plan’s' }])}
              />
            )}
          </CardContent>
        </Card>
        {hasStaffPermission(actor, 'customers.deactivate') ? (
          <Card className="border-danger-border">
            <CardHeader>
              <CardTitle>{customer.status === 'active' ? 'Deactivate' : 'Reactivate'}</CardTitle>
              <CardDescription>
                {customer.status === 'active'
                  ? 'Stops every pull at once: all tokens are revoked in the same step. Reactivating later does not bring them back.'
                  : 'Lets staff mint tokens for this customer again. Revoked tokens stay revoked.'}
              </CardDescription>
            </CardHeader>
            <CardContent>
              {customer.status === 'active' ? (
                <ConfirmDialog
                  title={`Deactivate ${customer.name}?`}
                  confirmLabel="Deactivate and revoke tokens"
                  confirmationText={customer.slug}
                  action={deactivateCustomerAction}
                  fields={{ orgId: customer.id, slug: customer.slug }}
                  trigger={{ label: 'Deactivate customer' }}
                >
                  All {customer.counts.activeTokens} active token{customer.counts.activeTokens === 1 ? '' : 's'} stop working within a second. This is audited.
                </ConfirmDialog>
              ) : (
                <ConfirmDialog
                  title={`Reactivate ${customer.name}?`}
                  confirmLabel="Reactivate"
                  tone="primary"
                  action={reactivateCustomerAction}
                  fields={{ orgId: customer.id, slug: customer.slug }}
                  trigger={{ label: 'Reactivate customer', variant: 'secondary' }}
                >
                  They can be given new tokens afterwards.
                </ConfirmDialog>
              )}
            </CardContent>
          </Card>
        ) : null}
      </div>
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Repositories</CardTitle>
            <CardDescription>What {customer.name}&apos;s tokens can pull.</CardDescription>
          </CardHeader>
          <CardContent>
            <RepositoryGrants
              org={org}
              granted={granted}
              available={repositories}
              canManage={canManageGrants}
              grantAction={grantAction}
              removeGrantAction={removeGrantAction}
              versionsAction={grantVersionsAction}
            />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Onboarding</CardTitle>
            <CardDescription>
              {done} of {ONBOARDING_ITEMS.length} steps done.{' '}
              <Link href={`/admin/customers/${customer.slug}/onboarding`} className="font-medium text-link">
                Open the checklist
              </Link>
            </CardDescription>
          </CardHeader>
          <CardContent>
            <div className="h-2 overflow-hidden rounded-full bg-muted" role="progressbar" aria-label="Onboarding progress" aria-valuemin={0} aria-valuemax={ONBOARDING_ITEMS.length} aria-valuenow={done}>
              <div className="h-full rounded-full bg-primary transition-all" style={{ width: `${(done / ONBOARDING_ITEMS.length) * 100}%` }} />
            </div>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
