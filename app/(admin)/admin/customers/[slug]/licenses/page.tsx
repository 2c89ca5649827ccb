import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { FeatureDecisionList } from '@/components/features/feature-decision-list';
import { QuotaList } from '@/components/features/quota-list';
import { Alert } from '@/components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { licenseEnvVar } from '@/lib/product/licensing/product-env';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { getFeatureDecisions, loadFlags } from '@/lib/plans/license';
import { listFeatureOverrides } from '@/lib/product/features/flags';
import { getQuotaStatus } from '@/lib/plans/quotas';
import { formatDate } from '@/lib/platform/format';
import { orgLicenseSummary } from '@/lib/product/licensing/expiry';
import { listLicenses } from '@/lib/product/licensing/read';
import { authorizeOrg, hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { issueLicenseAction, removeOverrideAction, setOverrideAction } from '../../../licenses/actions';
import { IssueLicenseForm, OverrideForm } from '../../../licenses/_components/forms';
import { LicenseStatusBadge, TierBadge } from '@/components/licenses/license-badges';

export const metadata: Metadata = { title: 'Customer licenses' };

export default async function CustomerLicensesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { actor } = await requireStaffPage(`/admin/customers/${slug}/licenses`);
  const { org } = await authorizeOrg(prisma, actor, { slug }, { staff: 'licenses.view' }).catch(() => notFound());
  const [summary, { rows }, decisions, quotas, overrides, flags] = await Promise.all([
    orgLicenseSummary(actor, org.id),
    listLicenses(actor, { orgId: org.id, take: 100 }),
    getFeatureDecisions(prisma, org.id),
    getQuotaStatus(prisma, org.id),
    listFeatureOverrides(actor, { orgId: org.id }),
    loadFlags(),
  ]);
  const canManage = hasStaffPermission(actor, 'features.manage');
  const featureOptions = [...flags.values()].map((f) => ({ key: f.key, label: f.label, minTier: f.minTier }));
  return (
    <>
      <p className="mb-6 text-sm text-muted-foreground">
        {summary.license
          ? `Current license ${summary.license.jti.slice(0, 8)}… expires ${formatDate(summary.license.expiresAt)} (${summary.license.daysLeft} days), then ${summary.license.graceDays} days of grace.`
          : 'No license issued yet.'}
      </p>
      {quotas.some((q) => q.level !== 'ok') ? (
        <Alert tone="warning" className="mb-6" title="Near or at a plan limit">
          {quotas
            .filter((q) => q.level !== 'ok')
            .map((q) => `${q.label}: ${q.used.toLocaleString('en-US')} of ${q.limit?.toLocaleString('en-US')}`)
            .join(' · ')}
        </Alert>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Licenses</CardTitle>
            <CardDescription>
              The product reads the license from <code>{licenseEnvVar()}</code>.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {rows.length === 0 ? (
              <p className="text-sm text-muted-foreground">None yet.</p>
            ) : (
              <ul className="divide-y divide-border">
                {rows.map((l) => (
                  <li key={l.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                    <Link href={`/admin/licenses/${l.id}`} className="flex min-w-0 items-center gap-2 hover:underline">
                      <span className="font-mono text-xs">{l.jti.slice(0, 8)}…</span>
                      <TierBadge tier={l.tier} />
                    </Link>
                    <span className="flex shrink-0 items-center gap-2">
                      <span className="text-muted-foreground">until {formatDate(l.expiresAt)}</span>
                      <LicenseStatusBadge status={l.status} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Usage</CardTitle>
          </CardHeader>
          <CardContent>
            <QuotaList quotas={quotas} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Features now</CardTitle>
          </CardHeader>
          <CardContent>
            <FeatureDecisionList decisions={decisions} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader className="flex-row items-start justify-between gap-4">
            <CardTitle>Overrides</CardTitle>
            {canManage ? <OverrideForm action={setOverrideAction} features={featureOptions} customer={org.slug} /> : null}
          </CardHeader>
          <CardContent>
            {overrides.length === 0 ? (
              <p className="text-sm text-muted-foreground">No overrides: features follow the {org.tier} tier.</p>
            ) : (
              <ul className="divide-y divide-border">
                {overrides.map((o) => (
                  <li key={o.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                    <span>
                      <span className="font-medium">{o.enabled ? 'Grants' : 'Withholds'}</span> <code className="font-mono text-xs">{o.featureKey}</code>{' '}
                      <span className="text-muted-foreground">
                        {o.expiresAt ? `until ${formatDate(o.expiresAt)}` : 'until removed'} · {o.reason} · {o.createdBy}
                      </span>
                    </span>
                    {canManage ? (
                      <ConfirmDialog title="Remove this override?" confirmLabel="Remove" action={removeOverrideAction} fields={{ orgId: o.orgId, featureKey: o.featureKey }} trigger={{ label: 'Remove', variant: 'ghost', size: 'sm' }}>
                        {org.name} falls back to what its tier includes.
                      </ConfirmDialog>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </CardContent>
        </Card>
      </div>
      {hasStaffPermission(actor, 'licenses.issue') ? (
        <Card className="mt-6">
          <CardHeader>
            <CardTitle>Issue a license</CardTitle>
          </CardHeader>
          <CardContent>
            <IssueLicenseForm action={issueLicenseAction} customer={org.slug} defaultTier={org.tier} features={featureOptions} />
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
