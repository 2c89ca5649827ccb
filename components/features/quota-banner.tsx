import 'server-only';
import Link from 'next/link';
import { UpgradeButton } from '@/components/billing/upgrade-button';
import { Alert } from '@/components/ui/alert';
import { prisma } from '@/lib/platform/db/client';
import { getQuotaStatus } from '@/lib/plans/quotas';
import { nextTier } from '@/lib/plans/tiers';

/** A warning when the org is at or over the warning threshold of a quota (portal pages); nothing otherwise. */
export async function QuotaBanner({ org, className }: { org: { id: string; slug: string; tier: string }; className?: string }) {
  const over = (await getQuotaStatus(prisma, org.id)).filter((q) => q.level !== 'ok');
  if (over.length === 0) return null;
  const reached = over.some((q) => q.level === 'exceeded');
  return (
    <Alert
      tone={reached ? 'danger' : 'warning'}
      className={className}
      title={reached ? 'You have reached a limit of your plan' : 'You are close to a limit of your plan'}
      action={
        <div className="flex items-center gap-3">
          <Link href={`/portal/${encodeURIComponent(org.slug)}/usage`} className="text-sm font-medium underline">
            See usage
          </Link>
          {nextTier(org.tier) ? <UpgradeButton org={org} tier={nextTier(org.tier)!} subject={`Higher limits for ${org.slug}`} /> : null}
        </div>
      }
    >
      {over.map((q) => `${q.label}: ${q.used.toLocaleString('en-US')} of ${q.limit?.toLocaleString('en-US')} ${q.unit}`).join(' · ')}
    </Alert>
  );
}
