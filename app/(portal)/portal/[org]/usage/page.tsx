import type { Metadata } from 'next';
import { FeatureDecisionList } from '@/components/features/feature-decision-list';
import { QuotaList } from '@/components/features/quota-list';
import { UpgradeGate } from '@/components/features/upgrade-gate';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ScrollX } from '@/components/ui/scroll-x';
import { KeyValueList } from '@/components/ui/key-value-list';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { publicUrl } from '@/lib/platform/config/public-url';
import { prisma } from '@/lib/platform/db/client';
import { getFeatureDecisions } from '@/lib/plans/license';
import { getQuotaStatus } from '@/lib/plans/quotas';
import { tierLabel } from '@/lib/plans/tiers';
import { formatDate } from '@/lib/platform/format';
import { orgLicenseSummary } from '@/lib/product/licensing/expiry';
import { LICENSE_STATUS_LABELS, statusTone } from '@/lib/product/licensing/status';

export const metadata: Metadata = { title: 'Plan & usage' };

export default async function UsagePage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'licenses.view');
  const { org } = access;
  const [summary, quotas, decisions] = await Promise.all([orgLicenseSummary(actor, org.id), getQuotaStatus(prisma, org.id), getFeatureDecisions(prisma, org.id)]);
  const base = publicUrl();
  const license = summary.license;
  const over = quotas.filter((q) => q.level !== 'ok');
  return (
    <>
      <PageHeader title="Plan & usage" description={`${org.name} is on the ${tierLabel(org.tier)} plan.`} />
      {license && license.daysLeft <= 30 ? (
        <Alert tone={license.daysLeft < 0 ? 'danger' : 'warning'} className="mb-6" title={license.daysLeft < 0 ? 'Your license has expired' : `Your license expires in ${license.daysLeft} days`}>
          {license.daysLeft < 0
            ? `The product keeps working for ${license.graceDays} grace days after ${formatDate(license.expiresAt)}. Contact your account team to renew.`
            : `It expires on ${formatDate(license.expiresAt)}; the product then keeps working for ${license.graceDays} more days. Contact your account team to renew.`}
        </Alert>
      ) : null}
      {over.length > 0 ? (
        <Alert tone={over.some((q) => q.level === 'exceeded') ? 'danger' : 'warning'} className="mb-6" title="You are at or near a limit of your plan">
          {over.map((q) => `${q.label}: ${q.used.toLocaleString('en-US')} of ${q.limit?.toLocaleString('en-US')} ${q.unit}`).join(' · ')}
        </Alert>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>License</CardTitle>
          </CardHeader>
          <CardContent>
            {license ? (
              <KeyValueList
                items={[
                  { label: 'Status', value: <Badge tone={statusTone(license.status)} dot>{LICENSE_STATUS_LABELS[license.status]}</Badge> },
                  { label: 'Plan', value: tierLabel(license.tier) },
                  { label: 'Expires', value: `${formatDate(license.expiresAt)} (${license.daysLeft >= 0 ? `${license.daysLeft} days left` : 'expired'})` },
                  { label: 'Grace period', value: `${license.graceDays} days` },
                  { label: 'License id', value: <code className="font-mono text-xs">{license.jti}</code> },
                ]}
              />
            ) : (
              <p className="text-sm text-muted-foreground">No license has been issued to {org.name} yet.</p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Usage this month</CardTitle>
          </CardHeader>
          <CardContent>
            <QuotaList quotas={quotas} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Features</CardTitle>
          </CardHeader>
          <CardContent>
            <FeatureDecisionList decisions={decisions} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>API access</CardTitle>
            <p className="text-sm text-muted-foreground">Check your license online from automation, beside the product&apos;s offline check.</p>
          </CardHeader>
          <CardContent>
            <UpgradeGate feature="api_access" org={org}>
              <div className="space-y-3 text-sm" data-testid="api-access">
                <p>Send your license as a Bearer token:</p>
                <ScrollX as="pre" className="rounded-md border border-border bg-subtle p-3 font-mono text-xs">
                  {`curl -H "Authorization: Bearer $LICENSE" \\\n  ${base}/api/v1/entitlements`}
                </ScrollX>
                <p className="text-muted-foreground">
                  Public keys: <code className="font-mono text-xs">{base}/.well-known/jwks.json</code> · revocations:{' '}
                  <code className="font-mono text-xs">{base}/api/v1/licenses/revocations</code>
                </p>
              </div>
            </UpgradeGate>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
