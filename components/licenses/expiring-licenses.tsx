import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDate, formatRelative } from '@/lib/platform/format';
import type { ExpiringLicense } from '@/lib/product/licensing/expiry';
import { TierBadge } from './license-badges';

/** How urgent an expiry `days` away looks. */
export const expiryTone = (days: number) => (days < 7 ? 'danger' : days < 30 ? 'warning' : 'neutral');

/** Licenses that run out soon (lib/product/licensing/expiry), each linking to its license: the dashboard's card and the expiring page. */
export function ExpiringLicensesCard({ title, licenses, days, more }: { title: string; licenses: readonly ExpiringLicense[]; days: number; more?: { href: string; label: string } }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        {licenses.length === 0 ? (
          <EmptyState title={`No license expires in the next ${days} days`} />
        ) : (
          <ul className="divide-y divide-border">
            {licenses.map((license) => (
              <li key={license.id} className="flex items-center justify-between gap-4 py-2 text-sm">
                <span className="flex min-w-0 items-center gap-2">
                  <Link href={`/admin/licenses/${license.id}`} className="truncate font-medium hover:underline">
                    {license.org.name}
                  </Link>
                  <TierBadge tier={license.tier} />
                </span>
                <span className="flex shrink-0 items-center gap-2">
                  <span className="text-muted-foreground tabular-nums">{formatDate(license.expiresAt)}</span>
                  <Badge tone={expiryTone(license.daysLeft)}>{formatRelative(license.expiresAt)}</Badge>
                </span>
              </li>
            ))}
          </ul>
        )}
        {more ? (
          <Link href={more.href} className="mt-3 inline-block text-sm font-medium hover:underline">
            {more.label}
          </Link>
        ) : null}
      </CardContent>
    </Card>
  );
}
