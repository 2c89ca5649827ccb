import type { Metadata } from 'next';
import Link from 'next/link';
import { DeadLetters } from '@/components/siem/siem-destinations';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { SimpleTable } from '@/components/ui/simple-table';
import { Tabs } from '@/components/ui/tabs';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { listAllDeadSiemDeliveries, listAllSiemDestinations } from '@/lib/product/siem/destinations';
import { auditTabs } from '../tabs';
import { staffRedeliverAction } from './actions';

export const metadata: Metadata = { title: 'SIEM streaming' };

export default async function AdminSiemPage() {
  const { actor } = await requireStaffPage('/admin/audit/siem');
  const [destinations, dead] = await Promise.all([listAllSiemDestinations(actor), listAllDeadSiemDeliveries(actor)]);
  return (
    <>
      <PageHeader title="Audit log" description="Customers' SIEM destinations and the deliveries that failed every retry." />
      <Tabs items={auditTabs('siem')} label="Audit sections" className="mb-6" />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Destinations</CardTitle>
          </CardHeader>
          <CardContent>
            {destinations.length === 0 ? (
              <EmptyState title="No customer streams the audit log yet" description="Enterprise customers add destinations in their portal under Audit log → SIEM streaming." />
            ) : (
              <SimpleTable
                caption="SIEM destinations"
                empty="No customer streams the audit log yet"
                rows={destinations}
                rowKey={(destination) => destination.id}
                columns={[
                  {
                    header: 'Customer',
                    cell: (destination) => (
                      <Link href={`/admin/customers/${destination.org.slug}`} className="font-medium hover:underline">
                        {destination.org.name}
                      </Link>
                    ),
                  },
                  {
                    header: 'Endpoint',
                    cell: (destination) => (
                      <span className="block max-w-80 truncate font-mono text-xs" title={destination.url}>
                        {destination.url}
                      </span>
                    ),
                  },
                  {
                    header: 'Status',
                    cell: (destination) => (
                      <Badge tone={destination.enabled ? 'success' : 'warning'} dot>
                        {destination.enabled ? 'Streaming' : 'Paused'}
                      </Badge>
                    ),
                  },
                  { header: 'Delivered', align: 'right', cell: (destination) => destination.delivered.toLocaleString('en-US') },
                  { header: 'Pending', align: 'right', cell: (destination) => destination.pending.toLocaleString('en-US') },
                  { header: 'Failed', align: 'right', cell: (destination) => <span className={destination.dead ? 'font-medium text-danger-strong' : undefined}>{destination.dead.toLocaleString('en-US')}</span> },
                ]}
              />
            )}
          </CardContent>
        </Card>
        <DeadLetters deliveries={dead} redeliver={staffRedeliverAction} slugOf={(delivery) => delivery.org?.slug ?? ''} />
      </div>
    </>
  );
}
