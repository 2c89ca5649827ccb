import { randomUUID } from 'node:crypto';
import { systemActor } from '@/lib/identity/auth/actor';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma } from '@/lib/platform/db/client';
import { formatSample, measure, measureSideBySide, throughput, type Suite } from '@/dev/bench/harness';
import { createRepository, grantRepository } from '@/lib/product/registry/repositories';
import { generateToken, isWellFormedToken } from '@/lib/product/registry/token-format';
import { verifyRegistryCredentials } from '@/lib/product/registry/credentials';
import { mintToken } from '@/lib/product/registry/tokens';
import { listCustomers, parseCustomerQuery } from '@/lib/product/customers/list-customers';
import { TIER_KEYS } from '@/lib/plans/tiers';
import { DAY } from '@/lib/platform/time';

/** Registry token verification as the gateway does it: parse + checksum, keyed hash, one indexed lookup. */
export const tokenVerificationSuite: Suite = {
  name: 'tokens',
  async run(bench) {
    const actor = systemActor('bench');
    const run = randomUUID().slice(0, 8);
    const repository = await createRepository(actor, { name: `bench/${run}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });
    const minted: { slug: string; token: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const org = await prisma.organization.create({ data: { name: `Bench ${run} ${i}`, slug: `bench-${run}-${i}`, contactEmail: `ops@bench-${run}-${i}.test` } });
      await grantRepository(actor, org.id, repository.id);
      for (let j = 0; j < 10; j++) minted.push({ slug: org.slug, token: (await mintToken(actor, { orgId: org.id, name: `t${j}`, repositoryIds: [repository.id] })).token });
    }
    bench.log(`${minted.length} live tokens over 20 customers (plus whatever the database already holds)`);

    const sample = minted[0]!.token;
    const parse = throughput(() => isWellFormedToken(sample), { batch: 20_000, rounds: 9 });
    const hash = throughput(() => keyedHash(sample), { batch: 20_000, rounds: 9 });
    bench.log(`parse + checksum: ${Math.round(parse.opsPerSecond).toLocaleString('en-US')} /s   keyed hash: ${Math.round(hash.opsPerSecond).toLocaleString('en-US')} /s`);
    bench.figure('parse + checksum', Math.round(parse.opsPerSecond), 'ops/s');
    bench.figure('HMAC-SHA256 keyed hash', Math.round(hash.opsPerSecond), 'ops/s');

    const unknown = generateToken();
    let i = 0;
    const next = () => minted[i++ % minted.length]!;
    const sequential = await measureSideBySide(
      {
        'verify valid token': async () => {
          const { slug, token } = next();
          const result = await verifyRegistryCredentials(prisma, slug, token);
          if (!result.ok) throw new Error(`bench token did not verify: ${result.reason}`);
        },
        'verify unknown token (well-formed)': async () => {
          const result = await verifyRegistryCredentials(prisma, 'nobody', unknown);
          if (result.ok) throw new Error('an unminted token verified');
        },
      },
      { rounds: 10, perRound: 50 },
    );
    for (const s of Object.values(sequential)) bench.log(formatSample(s));
    bench.figure('verification latency, one at a time (median)', sequential['verify valid token']!.medianMs, 'ms');

    // Throughput with requests in flight, as a busy gateway sees them (bounded by the connection pool).
    for (const concurrency of [1, 8, 32]) {
      const durationMs = 3000;
      let done = 0;
      const start = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (performance.now() - start < durationMs) {
            const { slug, token } = next();
            await verifyRegistryCredentials(prisma, slug, token);
            done++;
          }
        }),
      );
      const perSecond = (done / (performance.now() - start)) * 1000;
      bench.log(`concurrency ${String(concurrency).padStart(2)}: ${Math.round(perSecond).toLocaleString('en-US')} verifications/s`);
      bench.figure(`token verifications/s at concurrency ${concurrency}`, Math.round(perSecond), 'ops/s');
    }
  },
};

export const CUSTOMER_BENCH_TARGET = 10_000;

/** The customers table's server time (count + one page) with 10,000 customers. */
export const customersListSuite: Suite = {
  name: 'customers',
  async run(bench) {
    const existing = await prisma.organization.count();
    const missing = Math.max(0, CUSTOMER_BENCH_TARGET - existing);
    const run = randomUUID().slice(0, 8);
    const now = Date.now();
    for (let offset = 0; offset < missing; offset += 1000) {
      await prisma.organization.createMany({
        data: Array.from({ length: Math.min(1000, missing - offset) }, (_, k) => {
          const n = offset + k;
          return {
            name: `Customer ${run} ${String(n).padStart(5, '0')}`,
            slug: `c-${run}-${n}`,
            contactEmail: `ops@c-${run}-${n}.test`,
            tier: TIER_KEYS[n % TIER_KEYS.length]!,
            status: n % 17 === 0 ? 'deactivated' : 'active',
            licenseExpiresAt: n % 5 === 0 ? null : new Date(now + ((n % 400) - 30) * DAY),
          };
        }),
      });
    }
    // As autovacuum would after a bulk load; without it the planner works from an empty table's statistics.
    if (missing > 0) await prisma.$executeRawUnsafe('ANALYZE organizations');
    const total = await prisma.organization.count();
    bench.log(`${total.toLocaleString('en-US')} customers (${missing.toLocaleString('en-US')} added for this run)`);
    const actor = systemActor('bench');
    const queries: Record<string, Record<string, string>> = {
      'first page, sorted by name': {},
      'search "00042"': { q: '00042' },
      'tier=enterprise, expiring within 30 days': { tier: 'enterprise', expiry: '30d' },
      'sorted by license expiry desc, page 200': { sort: 'licenseExpiresAt', dir: 'desc', page: '200' },
      'status=deactivated, 100 per page': { status: 'deactivated', pageSize: '100' },
    };
    const results = await measureSideBySide(
      Object.fromEntries(Object.entries(queries).map(([name, params]) => [name, () => listCustomers(actor, parseCustomerQuery(params))])),
      { rounds: 6, perRound: 10, warmup: 5 },
    );
    for (const s of Object.values(results)) bench.log(formatSample(s));
    for (const [name, s] of Object.entries(results)) bench.figure(`list ${name} (median)`, Number(s.medianMs.toFixed(2)), 'ms');
    const worst = Math.max(...Object.values(results).map((s) => s.p99Ms));
    bench.figure('list, worst p99 across queries', Number(worst.toFixed(2)), 'ms');
    const one = await measure('first page (alone)', () => listCustomers(actor, parseCustomerQuery({})), { iterations: 30 });
    bench.log(formatSample(one));
  },
};
