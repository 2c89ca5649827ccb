import Link from 'next/link';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDate, formatRelative } from '@/lib/platform/format';
import type { ExpiringLicense } from '@/lib/product/licensing/expiry';
import { TierBadge } from './license-badges';

const tone = (days: number) => (days < 7 ? 'danger' : days < 30 ? 'warning' : 'neutral');

type More = { href: string; label: string };

/** Things that run out soon (licenses, registry tokens), soonest first: what each is on the left, when it ends on the right. */
export function ExpiryListCard<T extends { id: string; expiresAt: Date; daysLeft: number }>({
  title,
  rows,
  empty,
  label,
  more,
}: {
  title: string;
  rows: readonly T[];
  empty: string;
  label: (row: T) => ReactNode;
  more?: More;
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        {rows.length === 0 ? (
          <EmptyState title={empty} />
        ) : (
          <ul className="divide-y divide-border">
            {rows.map((row) => (
              <li key={row.id} className="flex items-center justify-between gap-4 py-2 text-sm">
                {label(row)}
                <span className="flex shrink-0 items-center gap-2">
                  <span className="text-muted-foreground tabular-nums">{formatDate(row.expiresAt)}</span>
                  <Badge tone={tone(row.daysLeft)}>{formatRelative(row.expiresAt)}</Badge>
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

/** Licenses that run out soon (lib/product/licensing/expiry), each linking to its license: the dashboard's card and the expiring page. */
export function ExpiringLicensesCard({ title, licenses, days, more }: { title: string; licenses: readonly ExpiringLicense[]; days: number; more?: More }) {
  return (
    <ExpiryListCard
      title={title}
      rows={licenses}
      empty={`No license expires in the next ${days} days`}
      more={more}
      label={(license) => (
        <span className="flex min-w-0 items-center gap-2">
          <Link href={`/admin/licenses/${license.id}`} className="truncate font-medium hover:underline">
            {license.org.name}
          </Link>
          <TierBadge tier={license.tier} />
        </span>
      )}
    />
  );
}
