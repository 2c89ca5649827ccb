import type { Actor } from '@/lib/identity/auth/actor';
import { userActor } from '@/dev/testing/factories';
import { spawnSync } from 'node:child_process';
import { percentile, type BenchContext, type Suite } from '@/dev/bench/harness';
import { createScratchDatabase } from '@/dev/testing/scratch-db';
import { appendSyntheticEvents } from '@/dev/testing/audit-fixtures';
import { auditKeysetPage, listAuditEvents, AUDIT_SORTABLE } from '@/lib/identity/audit/list';
import { auditWhere, parseAuditFilters } from '@/lib/identity/audit/filters';
import { listMembers, MEMBER_SORTS } from '@/lib/identity/members/members';
import { listInvitations } from '@/lib/identity/members/invitations';
import { listStaffUsers } from '@/lib/identity/staff/staff-users';
import { disconnectPrisma, prisma } from '@/lib/platform/db/client';
import { encodeCursor, parseKeysetParams } from '@/lib/platform/table/keyset';
import { parseTableQuery } from '@/lib/platform/table/query';
import { DAY } from '@/lib/platform/time';
import { getQuotaStatus } from '@/lib/plans/quotas';
import { BILLING_FILTERS, BILLING_SORTS, listBillingOverview } from '@/lib/product/billing/staff';
import { listCustomerActivity } from '@/lib/product/customers/activity';
import { listCustomers, parseCustomerQuery } from '@/lib/product/customers/list-customers';
import { orgLicenseSummary } from '@/lib/product/licensing/expiry';
import { listLicenses } from '@/lib/product/licensing/read';
import { listRepositories } from '@/lib/product/registry/repositories';
import { listTokens } from '@/lib/product/registry/tokens';
import { getPullStats } from '@/lib/product/stats/pull-stats';
import { rebuildPullDaily } from '@/lib/product/stats/rollup';

/**
 * `npm run bench lists` — every list page's server-side data call, as the
 * page makes it, at scale: LIST_BENCH_AUDIT (default 1,000,000) chained audit
 * events, LIST_BENCH_PULLS (1,000,000) pull events and LIST_BENCH_CUSTOMERS
 * (10,000) customers in a scratch database. Each call's median and p95 over
 * LIST_BENCH_RUNS runs is printed beside the 150 ms target, then `audit
 * verify`'s peak memory growth (in a process of its own, as the CLI runs it)
 * beside "flat", and the audit
 * viewer's old offset + count(*) path beside the keyset one. LIST_BENCH_KEEP=1
 * keeps the scratch database for EXPLAIN.
 */
const TARGET_MS = 150;
// Flat: a walk's memory does not grow with the chain; what it holds (one batch, the pg connection, V8's heap) is bounded.
const FLAT_MB = 100;
const LATE_GROWTH_MB = 10;

const env = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};

type Timed = { name: string; median: number; p95: number };

async function time(name: string, fn: () => Promise<unknown>, runs: number): Promise<Timed> {
  for (let i = 0; i < 2; i++) await fn();
  const durations: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    durations.push(performance.now() - start);
  }
  const sorted = durations.sort((a, b) => a - b);
  return { name, median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

function report(ctx: BenchContext, timed: Timed, group: string) {
  const verdict = timed.p95 < TARGET_MS ? 'PASS' : timed.median < TARGET_MS ? 'PASS (median; p95 over)' : 'FAIL';
  ctx.log(`  ${timed.name.padEnd(64)} median ${timed.median.toFixed(1).padStart(7)} ms   p95 ${timed.p95.toFixed(1).padStart(7)} ms   target < ${TARGET_MS} ms  ${verdict}`);
  ctx.figure(`${group}: ${timed.name} (median)`, Number(timed.median.toFixed(2)), 'ms');
}

async function seed(ctx: BenchContext, counts: { audit: number; pulls: number; customers: number }) {
  const now = Date.now();
  let t = performance.now();
  await prisma.$executeRaw`
    INSERT INTO organizations (id, name, slug, contact_email, tier, status, license_expires_at, created_at, updated_at)
    SELECT 'lb-org-' || lpad(g::text, 6, '0'), 'Customer ' || lpad(g::text, 6, '0'), 'c-' || lpad(g::text, 6, '0'), 'ops@c-' || g || '.test',
           (ARRAY['community', 'team', 'enterprise'])[1 + g % 3], CASE WHEN g % 17 = 0 THEN 'deactivated' ELSE 'active' END,
           CASE WHEN g % 5 = 0 THEN NULL ELSE now() + ((g % 400) - 30) * interval '1 day' END,
           now() - (g % 700) * interval '1 day', now()
    FROM generate_series(1, ${counts.customers}) g`;
  // The customers the audit log and the portal calls are about: A is the big one (a quarter of all events).
  await prisma.$executeRaw`UPDATE organizations SET tier = 'enterprise', status = 'active' WHERE id IN ('lb-org-000001', 'lb-org-000002', 'lb-org-000003')`;
  ctx.log(`inserted ${counts.customers.toLocaleString('en-US')} customers in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // People: 40 members of the big customer, 25 staff; a signing key and one license per customer; 30 tokens of the big customer.
  await prisma.$executeRaw`
    INSERT INTO users (id, email, name, staff_role, created_at, updated_at)
    SELECT 'lb-user-' || g, 'person' || g || '@c-1.test', 'Person ' || g, CASE WHEN g > 40 THEN 'staff-support' END, now(), now() FROM generate_series(1, 65) g`;
  await prisma.$executeRaw`
    INSERT INTO memberships (id, user_id, org_id, role, created_at, updated_at)
    SELECT 'lb-m-' || g, 'lb-user-' || g, 'lb-org-000001', (ARRAY['owner', 'admin', 'editor', 'viewer'])[1 + g % 4], now(), now() FROM generate_series(1, 40) g`;
  await prisma.$executeRaw`
    INSERT INTO signing_keys (id, kid, public_key_pem, private_key_enc, status) VALUES ('lb-key', 'lb-kid', 'none', 'none', 'active')`;
  await prisma.$executeRaw`
    INSERT INTO license_keys (id, jti, org_id, signing_key_id, tier, features, limits, claims, issued_at, not_before, expires_at, grace_days, created_at)
    SELECT 'lb-lic-' || g, md5('lb-lic-' || g), 'lb-org-' || lpad(g::text, 6, '0'), 'lb-key', 'team', ARRAY['audit_log'], '{}'::jsonb, '{}'::jsonb,
           now() - (g % 300) * interval '1 day', now() - (g % 300) * interval '1 day', now() + ((g % 400) - 30) * interval '1 day', 14, now()
    FROM generate_series(1, ${counts.customers}) g`;
  await prisma.$executeRaw`UPDATE license_keys SET expires_at = now() + interval '365 days' WHERE org_id IN ('lb-org-000001', 'lb-org-000002', 'lb-org-000003')`;
  await prisma.$executeRaw`
    INSERT INTO registry_tokens (id, org_id, name, prefix, hash, expires_at, created_at)
    SELECT 'lb-tok-' || g, 'lb-org-000001', 'cluster ' || g, 'pcr_' || g, md5('lb-tok-' || g), now() + interval '90 days', now() - g * interval '1 hour'
    FROM generate_series(1, 30) g`;

  t = performance.now();
  const orgIds = ['lb-org-000001', 'lb-org-000002', 'lb-org-000003', null];
  const stepMs = Math.max(1, Math.floor((120 * DAY) / counts.audit));
  const start = new Date(now - counts.audit * stepMs);
  // Equal timestamps in runs of three: the viewer's order must not depend on them.
  for (let done = 0; done < counts.audit; done += 100_000) {
    const n = Math.min(100_000, counts.audit - done);
    await prisma.$transaction((tx) => appendSyntheticEvents(tx, n, { orgIds, start: new Date(start.getTime() + done * stepMs), stepMs, batchSize: 5_000 }), { timeout: 600_000 });
  }
  ctx.log(`inserted ${counts.audit.toLocaleString('en-US')} chained audit events in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const from = new Date(now - 89 * DAY);
  const pulling = Math.min(2_000, counts.customers);
  await prisma.$executeRaw`
    INSERT INTO pull_events (occurred_at, org_id, token_id, username, repository, reference, digest, method, outcome, reason, counted, client_ip, user_agent)
    SELECT ts, 'lb-org-' || lpad((1 + g % ${pulling})::text, 6, '0'), 'tok-' || (g % ${pulling}), 'c-' || lpad((1 + g % ${pulling})::text, 6, '0'),
           'vendor/image-' || (g % 5), '4.' || (g % 10) || '.0', CASE WHEN g % 20 = 0 THEN NULL ELSE 'sha256:' || md5(g::text) END,
           CASE WHEN g % 2 = 0 THEN 'HEAD' ELSE 'GET' END,
           CASE WHEN g % 20 = 0 THEN 'unauthorized' WHEN g % 97 = 0 THEN 'not_found' ELSE 'success' END,
           CASE WHEN g % 20 = 0 THEN 'token expired' END,
           g % 20 <> 0 AND g % 2 = 1, '198.51.100.' || (g % 200), 'containerd/1.7'
    FROM generate_series(1, ${counts.pulls}) g,
         LATERAL (SELECT ${from.toISOString().replace('Z', '')}::timestamp + (g::float8 / ${counts.pulls}) * interval '90 days' AS ts) t`;
  await rebuildPullDaily(new Date(from.getTime() - DAY), new Date(now + DAY));
  ctx.log(`inserted ${counts.pulls.toLocaleString('en-US')} pull events over ${pulling.toLocaleString('en-US')} customers and rolled them up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // As autovacuum would after a bulk load: the planner needs statistics.
  await prisma.$executeRawUnsafe('VACUUM ANALYZE');
}

async function run(ctx: BenchContext) {
  const counts = { audit: env('LIST_BENCH_AUDIT', 1_000_000), pulls: env('LIST_BENCH_PULLS', 1_000_000), customers: Math.max(10, env('LIST_BENCH_CUSTOMERS', 10_000)) };
  const runs = env('LIST_BENCH_RUNS', 15);
  // LIST_BENCH_REUSE=<url of a database kept with LIST_BENCH_KEEP=1>: measure again without seeding.
  const reuse = process.env.LIST_BENCH_REUSE;
  const scratch = reuse ? { url: reuse, drop: async () => {}, release: async () => {} } : await createScratchDatabase();
  const previousUrl = process.env.DATABASE_URL;
  // The lib functions use the app's client: point it at the scratch database for this suite.
  await disconnectPrisma();
  process.env.DATABASE_URL = scratch.url;
  try {
    if (reuse) {
      await prisma.user.updateMany({ where: { id: 'lb-user-41' }, data: { staffRole: 'staff-support' } });
      Object.assign(counts, { audit: await prisma.auditEvent.count(), pulls: await prisma.pullEvent.count(), customers: await prisma.organization.count() });
    } else {
      await seed(ctx, counts);
    }
    const staff: Actor = userActor(await prisma.user.update({ where: { id: 'lb-user-41' }, data: { staffRole: 'staff-admin' } }));
    const owner: Actor = userActor(await prisma.user.findUniqueOrThrow({ where: { id: 'lb-user-4' } }));
    if ((await prisma.membership.findFirstOrThrow({ where: { userId: 'lb-user-4' } })).role !== 'owner') throw new Error('bench seed: lb-user-4 should be an owner');
    const big = { id: 'lb-org-000001', slug: 'c-000001' };
    const auditQuery = (params: Record<string, string>) => ({
      ...parseTableQuery(params, { sortable: AUDIT_SORTABLE, defaultSort: 'occurredAt', defaultDir: 'desc', defaultPageSize: 50 }),
      ...parseKeysetParams(params),
    });
    const audit = (actor: Actor, scope: Parameters<typeof listAuditEvents>[1], params: Record<string, string>) => () =>
      listAuditEvents(actor, scope, parseAuditFilters(params), auditQuery(params));
    // A cursor deep in the table (the page after the middle event), as following Next many times would reach.
    const deepAll = (await prisma.$queryRaw<{ id: bigint }[]>`SELECT id FROM audit_events ORDER BY id LIMIT 1 OFFSET ${Math.floor(counts.audit / 2)}`)[0]!.id;
    const deep = encodeCursor({ sort: 'occurredAt', dir: 'desc', value: null, id: deepAll });
    const byActionPage2 = (await listAuditEvents(staff, { kind: 'all' }, {}, auditQuery({ sort: 'action', dir: 'asc' }))).page.next ?? '';
    const ownerPage2 = (await listAuditEvents(owner, { kind: 'org', slug: big.slug }, {}, auditQuery({}))).page.next ?? '';

    const stats = async (actor: Actor, query: Parameters<typeof getPullStats>[1]) => {
      // The staff page also loads every customer for its picker.
      if (!query?.orgId) await prisma.organization.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true, slug: true } });
      return getPullStats(actor, query);
    };
    const ninety = new Date(Date.now() - 89 * DAY).toISOString().slice(0, 10);

    const staffCalls: [string, () => Promise<unknown>][] = [
      ['customers: first page', () => listCustomers(staff, parseCustomerQuery({}))],
      ['customers: search "00042"', () => listCustomers(staff, parseCustomerQuery({ q: '00042' }))],
      ['customers: tier=enterprise, expiring in 30 days', () => listCustomers(staff, parseCustomerQuery({ tier: 'enterprise', expiry: '30d' }))],
      ['customers: by license expiry desc, page 200', () => listCustomers(staff, parseCustomerQuery({ sort: 'licenseExpiresAt', dir: 'desc', page: '200' }))],
      ['audit: first page, all events', audit(staff, { kind: 'all' }, {})],
      ['audit: deep page (cursor at the middle event)', audit(staff, { kind: 'all' }, { after: deep })],
      ['audit: filtered (actor user7@, action token., customer C)', audit(staff, { kind: 'org', slug: 'c-000003' }, { actor: 'user7@', action: 'token.' })],
      ['audit: action=license.issue', audit(staff, { kind: 'all' }, { action: 'license.issue' })],
      ['audit: action prefix token.*, last 7 days', audit(staff, { kind: 'all' }, { action: 'token.*', from: new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10) })],
      ['audit: target tok-123456', audit(staff, { kind: 'all' }, { target: 'tok-123456' })],
      ['audit: actor user7@ (all customers)', audit(staff, { kind: 'all' }, { actor: 'user7@' })],
      ['audit: sorted by action, page 2', audit(staff, { kind: 'all' }, { sort: 'action', dir: 'asc', after: byActionPage2 })],
      ['customer activity (staff, big customer)', () => listCustomerActivity(staff, big.id)],
      ['stats: all customers, 30 days (+ customer picker)', () => stats(staff, {})],
      ['stats: all customers, 90 days (+ customer picker)', () => stats(staff, { from: ninety })],
      ['stats: one customer, 90 days', () => stats(staff, { orgId: big.id, from: ninety })],
      ['repositories', () => listRepositories(staff)],
      ['licenses: first page', () => listLicenses(staff, { take: 25 })],
      ['licenses: status=expiring', () => listLicenses(staff, { status: 'expiring', take: 25 })],
      ['tokens of a customer', () => listTokens(staff, big.id)],
      ['staff users', () => listStaffUsers(staff)],
      ['billing: first page', () => listBillingOverview(staff, parseTableQuery({}, { sortable: BILLING_SORTS, defaultSort: 'name', filters: BILLING_FILTERS }))],
      ['billing: billing=none', () => listBillingOverview(staff, parseTableQuery({ billing: 'none' }, { sortable: BILLING_SORTS, defaultSort: 'name', filters: BILLING_FILTERS }))],
    ];
    const memberQuery = parseTableQuery({}, { sortable: MEMBER_SORTS, defaultSort: 'name' });
    const customerCalls: [string, () => Promise<unknown>][] = [
      ['portal audit: first page (250k events of its own)', audit(owner, { kind: 'org', slug: big.slug }, {})],
      ['portal audit: page 2 (cursor)', audit(owner, { kind: 'org', slug: big.slug }, { after: ownerPage2 })],
      ['portal audit: action token.*', audit(owner, { kind: 'org', slug: big.slug }, { action: 'token.*' })],
      ['portal audit: actor user8@', audit(owner, { kind: 'org', slug: big.slug }, { actor: 'user8@' })],
      ['portal audit: sorted by actor', audit(owner, { kind: 'org', slug: big.slug }, { sort: 'actorLabel' })],
      ['portal activity (pull stats, 30 days)', () => getPullStats(owner, { orgId: big.id })],
      ['portal team (members + invitations)', () => Promise.all([listMembers(owner, big.id, memberQuery), listInvitations(owner, big.id)])],
      ['portal licenses', () => listLicenses(owner, { orgId: big.id, take: 50 })],
      ['portal usage (license summary + quotas)', () => Promise.all([orgLicenseSummary(owner, big.id), getQuotaStatus(prisma, big.id)])],
    ];

    let failed = 0;
    ctx.log(`\nstaff (${counts.audit.toLocaleString('en-US')} audit events, ${counts.pulls.toLocaleString('en-US')} pull events, ${counts.customers.toLocaleString('en-US')} customers; ${runs} runs each)`);
    for (const [name, fn] of staffCalls) {
      const timed = await time(name, fn, runs);
      report(ctx, timed, 'staff');
      if (timed.median >= TARGET_MS) failed++;
    }
    ctx.log('\ncustomer (owner of the big customer)');
    for (const [name, fn] of customerCalls) {
      const timed = await time(name, fn, runs);
      report(ctx, timed, 'customer');
      if (timed.median >= TARGET_MS) failed++;
    }

    // The audit viewer's old path (OFFSET + exact count(*), as before issue 18) beside the keyset one, same data and indexes.
    ctx.log('\naudit viewer, before (findMany skip/take + full count) and after (keyset, LIMIT 51):');
    const filteredWhere = auditWhere({ actor: 'user7@', action: 'token.' }, 'lb-org-000003');
    const pairs: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
      [
        'first page, all events',
        () => Promise.all([prisma.auditEvent.findMany({ orderBy: { id: 'desc' }, take: 50 }), prisma.auditEvent.count()]),
        () => auditKeysetPage(prisma, {}, { sort: 'occurredAt', dir: 'desc', take: 50 }),
      ],
      [
        'filtered page (actor user7@, action token., customer C)',
        () => Promise.all([prisma.auditEvent.findMany({ where: filteredWhere, orderBy: { id: 'desc' }, take: 50 }), prisma.auditEvent.count({ where: filteredWhere })]),
        () => auditKeysetPage(prisma, filteredWhere, { sort: 'occurredAt', dir: 'desc', take: 50 }, { windowed: true }),
      ],
      [
        'page 2,000 of all events',
        () => Promise.all([prisma.auditEvent.findMany({ orderBy: { id: 'desc' }, skip: 1999 * 50, take: 50 }), prisma.auditEvent.count()]),
        () => auditKeysetPage(prisma, {}, { sort: 'occurredAt', dir: 'desc', take: 50, after: deep }),
      ],
    ];
    for (const [name, before, after] of pairs) {
      const old = await time(name, before, Math.max(5, Math.floor(runs / 2)));
      const now = await time(name, after, runs);
      ctx.log(`  ${name.padEnd(56)} before: median ${old.median.toFixed(1).padStart(7)} ms   after: median ${now.median.toFixed(1).padStart(6)} ms (p95 ${now.p95.toFixed(1)})`);
      ctx.figure(`audit viewer ${name}: before (offset + count)`, Number(old.median.toFixed(2)), 'ms');
      ctx.figure(`audit viewer ${name}: after (keyset)`, Number(now.median.toFixed(2)), 'ms');
    }

    // `audit verify` as the CLI runs it: a process of its own, memory measured from just before the walk.
    const child = spawnSync(process.execPath, ['scripts/run.mjs', 'dev/bench/verify-memory.ts', scratch.url], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status !== 0 || !line.startsWith('{')) throw new Error(`verify-memory failed: ${child.stderr || child.stdout}`);
    const verify = JSON.parse(line) as { ok: boolean; checked: number; seconds: number; peakMb: number; firstHalfPeakMb: number; secondHalfPeakMb: number };
    const lateGrowth = verify.secondHalfPeakMb - verify.firstHalfPeakMb;
    // Growth is only telling once start-up (connection, JIT, V8's first heap growth) is behind: on long walks.
    const judgeGrowth = verify.checked >= 200_000;
    const flat = verify.peakMb < FLAT_MB && (!judgeGrowth || lateGrowth < LATE_GROWTH_MB);
    ctx.log(
      `\naudit verify: ${verify.ok ? 'ok' : 'BROKEN'}, ${verify.checked.toLocaleString('en-US')} events in ${verify.seconds.toFixed(1)} s, peak RSS +${verify.peakMb.toFixed(0)} MB ` +
        `(first half of the walk +${verify.firstHalfPeakMb.toFixed(0)} MB, second half +${verify.secondHalfPeakMb.toFixed(0)} MB)   ` +
        `target: flat (peak < ${FLAT_MB} MB, second half adds < ${LATE_GROWTH_MB} MB${judgeGrowth ? '' : '; too short a walk to judge growth'})  ${flat ? 'PASS' : 'FAIL'}`,
    );
    ctx.figure('audit verify peak RSS growth', verify.peakMb, 'MB');
    ctx.figure('audit verify RSS growth over the second half of the walk', Number(lateGrowth.toFixed(1)), 'MB');
    if (!flat || !verify.ok) failed++;
    ctx.log(failed ? `\n${failed} figure(s) over target` : '\nevery list page under target, verify flat');
  } finally {
    await disconnectPrisma();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    // LIST_BENCH_KEEP=1 keeps the seeded database for EXPLAIN (ANALYZE, BUFFERS); drop it by hand afterwards.
    if (process.env.LIST_BENCH_KEEP === '1' || reuse) {
      ctx.log(`kept the scratch database: ${scratch.url}`);
      await scratch.release();
    } else {
      await scratch.drop();
    }
  }
}

export const listsSuite: Suite = { name: 'lists', run };
