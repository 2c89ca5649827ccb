import { systemActor } from '@/lib/identity/auth/actor';
import { formatSample, measure, type BenchContext, type Suite } from '@/dev/bench/harness';
import { prisma } from '@/lib/platform/db/client';
import { rebuildPullDaily } from '@/lib/product/stats/rollup';
import { uniqueSlug } from '@/dev/testing/factories';
import { getPullStats } from '@/lib/product/stats/pull-stats';
import { DAY } from '@/lib/platform/time';

/**
 * Pull statistics at scale: 1 million pull events over 90 days for 200
 * customers, rolled up, then the dashboard's queries timed, next to the same
 * per-day series computed straight from the events.
 */
const EVENTS = Number(process.env.BENCH_PULL_EVENTS ?? 1_000_000);
const CUSTOMERS = 200;

async function run(ctx: BenchContext) {
  const prefix = uniqueSlug('bench');
  const now = new Date();
  const from = new Date(now.getTime() - 89 * DAY);
  let start = performance.now();
  await prisma.$executeRaw`
    INSERT INTO organizations (id, name, slug, contact_email, tier, updated_at)
    SELECT ${prefix} || '-' || g, 'Bench customer ' || g, ${prefix} || '-' || g, 'ops@bench.test', 'team', now()
    FROM generate_series(1, ${CUSTOMERS}) g`;
  await prisma.$executeRaw`
    INSERT INTO pull_events (occurred_at, org_id, token_id, username, repository, reference, digest, method, outcome, reason, counted, client_ip, user_agent)
    SELECT ts, ${prefix} || '-' || (1 + (g % ${CUSTOMERS})), 'tok-' || (g % ${CUSTOMERS}), ${prefix} || '-' || (1 + (g % ${CUSTOMERS})),
           ${prefix} || '/image-' || (g % 5), '4.' || (g % 10) || '.0', CASE WHEN g % 20 = 0 THEN NULL ELSE 'sha256:' || md5(g::text) END,
           CASE WHEN g % 2 = 0 THEN 'HEAD' ELSE 'GET' END,
           CASE WHEN g % 20 = 0 THEN 'unauthorized' ELSE 'success' END,
           CASE WHEN g % 20 = 0 THEN 'token expired' END,
           g % 20 <> 0 AND g % 2 = 1, '198.51.100.' || (g % 200), 'containerd/1.7'
    FROM generate_series(1, ${EVENTS}) g,
         LATERAL (SELECT ${from.toISOString().replace('Z', '')}::timestamp + (g::float8 / ${EVENTS}) * interval '90 days' AS ts) t`;
  ctx.log(`inserted ${EVENTS.toLocaleString('en-US')} pull events in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  start = performance.now();
  await rebuildPullDaily(new Date(from.getTime() - DAY), new Date(now.getTime() + DAY));
  const rollupRows = await prisma.pullDaily.count();
  ctx.log(`built the daily rollup (${rollupRows.toLocaleString('en-US')} rows in total) in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  await prisma.$executeRaw`ANALYZE pull_events`;
  await prisma.$executeRaw`ANALYZE pull_daily`;

  const actor = systemActor('bench');
  const org = `${prefix}-7`;
  const samples = [
    await measure('stats, all customers, 30 days', () => getPullStats(actor, {}), { iterations: 10, warmup: 2 }),
    await measure('stats, all customers, 90 days', () => getPullStats(actor, { from: from.toISOString().slice(0, 10) }), { iterations: 10, warmup: 2 }),
    await measure('stats, one customer, 90 days', () => getPullStats(actor, { orgId: org, from: from.toISOString().slice(0, 10) }), { iterations: 10, warmup: 2 }),
    await measure(
      'per-day series from raw events, 90 days (no rollup)',
      () => prisma.$queryRaw`SELECT occurred_at::date AS day, count(*) FILTER (WHERE counted) FROM pull_events WHERE occurred_at >= ${from.toISOString().replace('Z', '')}::timestamp GROUP BY 1`,
      { iterations: 5, warmup: 1 },
    ),
  ];
  for (const sample of samples) ctx.log(`  ${formatSample(sample)}`);
  ctx.figure('stats 30 days, all customers (1M events)', samples[0]!.medianMs, 'ms');
  ctx.figure('stats 90 days, all customers (1M events)', samples[1]!.medianMs, 'ms');
  ctx.figure('stats 90 days, one customer (1M events)', samples[2]!.medianMs, 'ms');
  ctx.figure('raw-event series 90 days (for comparison)', samples[3]!.medianMs, 'ms');

  await prisma.$executeRaw`DELETE FROM pull_events WHERE org_id LIKE ${`${prefix}-%`}`;
  await prisma.$executeRaw`DELETE FROM pull_daily WHERE org_id LIKE ${`${prefix}-%`}`;
  await prisma.$executeRaw`DELETE FROM organizations WHERE slug LIKE ${`${prefix}-%`}`;
}

export const statsSuite: Suite = { name: 'stats', run };
