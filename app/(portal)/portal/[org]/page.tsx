import type { Metadata } from 'next';
import { QuotaBanner } from '@/components/features/quota-banner';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { KeyValueList } from '@/components/ui/key-value-list';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/auth/session';
import { daysUntil, formatDate } from '@/lib/format';

export const metadata: Metadata = { title: 'Overview' };

export default async function OrgOverview({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { access } = await requirePortalPage(slug, 'org.view');
  const { org } = access;
  const days = org.licenseExpiresAt ? daysUntil(org.licenseExpiresAt) : null;
  return (
    <>
      <PageHeader title={org.name} description="Your subscription and deployment at a glance." />
      <QuotaBanner org={org} className="mb-6" />
      <Card>
        <CardHeader>
          <CardTitle>Subscription</CardTitle>
        </CardHeader>
        <CardContent>
          <KeyValueList
            items={[
              { label: 'Plan', value: <Badge tone="accent">{org.tier[0]!.toUpperCase() + org.tier.slice(1)}</Badge> },
              {
                label: 'License expires',
                value: org.licenseExpiresAt ? (
                  <span className="tabular-nums">
                    {formatDate(org.licenseExpiresAt)}{' '}
                    {days !== null && days <= 30 ? <Badge tone={days <= 7 ? 'danger' : 'warning'}>{days < 0 ? 'expired' : `${days} days left`}</Badge> : null}
                  </span>
                ) : (
                  'No expiry'
                ),
              },
              { label: 'Registry username', value: <code className="font-mono text-sm">{org.slug}</code> },
              { label: 'Namespace', value: org.namespace ?? '—' },
            ]}
          />
        </CardContent>
      </Card>
    </>
  );
}
