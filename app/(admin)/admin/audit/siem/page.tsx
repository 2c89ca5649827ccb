import type { Metadata } from 'next';
import Link from 'next/link';
import { DeadLetters } from '@/components/siem/siem-destinations';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
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
              <div className="overflow-x-auto">
                <table className="w-full text-sm" aria-label="SIEM destinations">
                  <thead>
                    <tr className="border-b border-border text-left text-xs text-muted-foreground">
                      <th className="py-2 pr-4 font-medium">Customer</th>
                      <th className="py-2 pr-4 font-medium">Endpoint</th>
                      <th className="py-2 pr-4 font-medium">Status</th>
                      <th className="py-2 pr-4 text-right font-medium">Delivered</th>
                      <th className="py-2 pr-4 text-right font-medium">Pending</th>
                      <th className="py-2 text-right font-medium">Failed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {destinations.map((destination) => (
                      <tr key={destination.id} className="border-b border-border last:border-0">
                        <td className="py-2 pr-4">
                          <Link href={`/admin/customers/${destination.org.slug}`} className="font-medium hover:underline">
                            {destination.org.name}
                          </Link>
                        </td>
                        <td className="max-w-80 truncate py-2 pr-4 font-mono text-xs" title={destination.url}>
                          {destination.url}
                        </td>
                        <td className="py-2 pr-4">
                          <Badge tone={destination.enabled ? 'success' : 'warning'} dot>
                            {destination.enabled ? 'Streaming' : 'Paused'}
                          </Badge>
                        </td>
                        <td className="py-2 pr-4 text-right tabular-nums">{destination.delivered.toLocaleString('en-US')}</td>
                        <td className="py-2 pr-4 text-right tabular-nums">{destination.pending.toLocaleString('en-US')}</td>
                        <td className={`py-2 text-right tabular-nums ${destination.dead ? 'font-medium text-danger-strong' : ''}`}>{destination.dead.toLocaleString('en-US')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </CardContent>
        </Card>
        <DeadLetters deliveries={dead} redeliver={staffRedeliverAction} slugOf={(delivery) => delivery.org?.slug ?? ''} />
      </div>
    </>
  );
}
