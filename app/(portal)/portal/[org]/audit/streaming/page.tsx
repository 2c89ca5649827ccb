import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { DowngradeNotice } from '@/components/features/downgrade-notice';
import { UpgradeGate } from '@/components/features/upgrade-gate';
import { AddDestinationForm } from '@/components/siem/siem-forms';
import { DeadLetters, DestinationList } from '@/components/siem/siem-destinations';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Tabs } from '@/components/ui/tabs';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { listSiemDeliveries, listSiemDestinations } from '@/lib/product/siem/destinations';
import { createDestinationAction, deleteDestinationAction, redeliverAction, updateDestinationAction } from '../actions';
import { portalAuditTabs } from '../tabs';

export const metadata: Metadata = { title: 'SIEM streaming' };

export default async function StreamingPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'audit.view');
  if (!access.permissions.includes('siem.manage')) notFound();
  const { destinations } = await listSiemDestinations(actor, access.org.slug);
  const dead = await listSiemDeliveries(actor, access.org.slug, { status: 'dead' });
  return (
    <>
      <PageHeader title="Audit log" description="Stream every audit event to your SIEM as it happens." />
      <Tabs items={portalAuditTabs(access.org.slug, 'streaming', true)} label="Audit sections" className="mb-6" />
      <DowngradeNotice orgId={access.org.id} features={['audit_streaming']} />
      <UpgradeGate feature="audit_streaming" org={access.org}>
        <div className="grid gap-6 xl:grid-cols-[2fr_1fr]">
          <Card>
            <CardHeader>
              <CardTitle>Destinations</CardTitle>
            </CardHeader>
            <CardContent>
              <DestinationList
                slug={access.org.slug}
                destinations={destinations}
                actions={{ update: updateDestinationAction, remove: deleteDestinationAction, redeliver: redeliverAction }}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Add a destination</CardTitle>
            </CardHeader>
            <CardContent>
              <AddDestinationForm slug={access.org.slug} action={createDestinationAction} />
              <p className="mt-4 text-xs text-muted-foreground">
                Each event is a POST of <code>{'{ id, type: "audit.event", event }'}</code> with headers <code>X-Portcullis-Signature</code> (HMAC-SHA256 of
                <code> timestamp.body</code>) and <code>Idempotency-Key</code>. Failed deliveries are retried with exponential backoff for about an hour.
              </p>
            </CardContent>
          </Card>
        </div>
        <div className="mt-6">
          <DeadLetters deliveries={dead} redeliver={redeliverAction} slugOf={() => access.org.slug} />
        </div>
      </UpgradeGate>
    </>
  );
}
