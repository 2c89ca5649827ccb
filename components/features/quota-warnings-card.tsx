import 'server-only';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { prisma } from '@/lib/platform/db/client';
import { quotaWarnings, warningThreshold } from '@/lib/plans/quotas';

/** Staff dashboard: customers at or over a quota's warning threshold (seats, pulls this month). */
export async function QuotaWarningsCard() {
  const [warnings, threshold] = await Promise.all([quotaWarnings(prisma, new Date(), 8), warningThreshold(prisma)]);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Plan limits</CardTitle>
        <p className="text-sm text-muted-foreground">Customers at {Math.round(threshold * 100)}% or more of a quota.</p>
      </CardHeader>
      <CardContent>
        {warnings.length === 0 ? (
          <EmptyState title="Every customer is well within its plan" />
        ) : (
          <ul className="divide-y divide-border">
            {warnings.map((w) => (
              <li key={`${w.orgId}-${w.quota}`} className="flex items-center justify-between gap-4 py-2 text-sm">
                <Link href={`/admin/customers/${w.slug}/licenses`} className="min-w-0 truncate font-medium hover:underline">
                  {w.name}
                </Link>
                <span className="flex shrink-0 items-center gap-2 tabular-nums">
                  <span className="text-muted-foreground">
                    {w.label} {w.used.toLocaleString('en-US')} / {w.limit.toLocaleString('en-US')}
                  </span>
                  <Badge tone={w.level === 'exceeded' ? 'danger' : 'warning'}>{w.level === 'exceeded' ? 'at limit' : 'near limit'}</Badge>
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
