import type { Metadata } from 'next';
import { ArrowRight } from 'lucide-react';
import Link from 'next/link';
import { QuotaBanner } from '@/components/features/quota-banner';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { KeyValueList } from '@/components/ui/key-value-list';
import { PageHeader } from '@/components/ui/page-header';
import { Stat } from '@/components/ui/stat';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { daysUntil, formatDate } from '@/lib/platform/format';
import { portalOverview } from '@/lib/product/portal/overview';

export const metadata: Metadata = { title: 'Overview' };

function titleCase(value: string): string {
  return value[0]!.toUpperCase() + value.slice(1);
}

export default async function OrgOverview({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'org.view');
  const { org, roleLabel, seats, activeTokens, quickActions } = await portalOverview(actor, access.org.id);
  const days = org.licenseExpiresAt ? daysUntil(org.licenseExpiresAt) : null;
  const base = `/portal/${encodeURIComponent(org.slug)}`;
  return (
    <>
      <PageHeader title={org.name} description="Your subscription and deployment at a glance." />
      <QuotaBanner org={org} className="mb-6" />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="Plan" value={titleCase(org.tier)} hint={org.status === 'active' ? 'Active' : titleCase(org.status)} />
        <Stat
          label="License expires"
          value={org.licenseExpiresAt ? formatDate(org.licenseExpiresAt) : 'No expiry'}
          hint={days === null ? undefined : days < 0 ? 'Expired' : `${days} days left`}
        />
        {seats ? <Stat label="Seats" value={seats.limit === null ? seats.members.toLocaleString('en-US') : `${seats.used} of ${seats.limit}`} hint={seats.limit === null ? 'members, unlimited seats' : `${seats.invitations} pending invitations`} /> : null}
        {activeTokens !== null ? <Stat label="Active registry tokens" value={activeTokens.toLocaleString('en-US')} /> : null}
      </div>
      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Quick actions</CardTitle>
        </CardHeader>
        <CardContent>
          {quickActions.length === 0 ? (
            <p className="text-sm text-muted-foreground">Your role gives read access to this overview only. Ask an administrator if you need more.</p>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-3">
              {quickActions.map((action) => (
                <li key={action.path}>
                  <Link
                    href={`${base}${action.path}`}
                    className="group flex h-full items-start justify-between gap-3 rounded-lg border border-border p-4 transition-colors hover:bg-subtle"
                  >
                    <span>
                      <span className="block text-sm font-medium">{action.label}</span>
                      <span className="mt-1 block text-[13px] text-muted-foreground">{action.description}</span>
                    </span>
                    <ArrowRight className="mt-0.5 size-4 shrink-0 text-muted-foreground transition-transform group-hover:translate-x-0.5" aria-hidden="true" />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
      <Card className="mt-6">
        <CardHeader>
          <CardTitle>Subscription and deployment</CardTitle>
        </CardHeader>
        <CardContent>
          <KeyValueList
            columns={2}
            items={[
              { label: 'Plan', value: <Badge tone="accent">{titleCase(org.tier)}</Badge> },
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
              { label: 'Kubernetes version', value: org.kubernetesVersion ?? '—' },
              { label: 'Product version', value: org.productVersion ?? '—' },
              { label: 'Your role', value: roleLabel },
            ]}
          />
        </CardContent>
      </Card>
    </>
  );
}
