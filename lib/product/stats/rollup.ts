import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { utcDay } from '@/lib/product/gateway/pull-log';

/**
 * Rebuilds the rollup for [from, to) from the events (after a bulk import,
 * or to repair it). Same numbers the incremental path produces.
 */
export async function rebuildPullDaily(from: Date, to: Date): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`DELETE FROM pull_daily WHERE day >= ${utcDay(from)}::date AND day < ${utcDay(to)}::date`;
    await tx.$executeRaw`
      INSERT INTO pull_daily (day, org_id, repository, reference, outcome, pulls, requests, last_at)
      SELECT occurred_at::date, coalesce(org_id, ''), repository, reference, outcome,
             count(*) FILTER (WHERE counted), count(*), max(occurred_at)
      FROM pull_events
      WHERE occurred_at >= ${utcDay(from)}::date AND occurred_at < ${utcDay(to)}::date
      GROUP BY 1, 2, 3, 4, 5`;
  }, { timeout: 600_000 });
}
