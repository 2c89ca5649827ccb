import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TcpProxy } from '@/dev/testing/tcp-proxy';
import { createPrismaClient } from './client';
import { createSqlPool } from './sql';

/**
 * A database that stops answering with its connections still open (a hung
 * server, a network partition), between the pools and PostgreSQL: every
 * query fails within its timeout instead of waiting out the stall, queries
 * behind a stalled one on the same connection are not stuck with it, and
 * the pools work again by themselves once the database answers. Port 5140.
 */
const TIMEOUT_MS = 500;
// The server-side timeout, the second's grace for a stalled connection, and a loaded machine.
const ANSWER_WITHIN_MS = TIMEOUT_MS + 1_000 + 1_500;
const CONNECT_WITHIN_MS = 5_000 + 1_500;

async function timed<T>(work: () => PromiseLike<T>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await work();
    return { ms: Date.now() - started, error: null };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

describe('pools on a stalled database', () => {
  const databaseUrl = inject('databaseUrl');
  const target = new URL(databaseUrl);
  const proxy = new TcpProxy(5140, { host: target.hostname || '127.0.0.1', port: Number(target.port || 5432) });
  const url = TcpProxy.databaseUrlVia(databaseUrl, proxy.port);
  const pool = createSqlPool(url, 2, { queryTimeoutMs: TIMEOUT_MS });
  const prisma = createPrismaClient(url, 2, { queryTimeoutMs: TIMEOUT_MS });

  beforeAll(() => proxy.up());
  afterAll(async () => {
    await Promise.all([pool.end(), prisma.$disconnect()]);
    await proxy.down();
  });

  it('answer every query within the timeout while it stalls, and recover when it answers again', async () => {
    // Both connections of each pool open before the stall.
    const both = await Promise.all([
      pool.$queryRaw`SELECT 1 AS one, pg_sleep(0.1)::text AS slept`,
      pool.$transaction(async (tx) => tx.$queryRaw`SELECT 1 AS one, pg_sleep(0.1)::text AS slept`),
      prisma.$queryRaw`SELECT 1 AS one, pg_sleep(0.1)::text AS slept`,
      prisma.$transaction((tx) => tx.$queryRaw`SELECT 1 AS one, pg_sleep(0.1)::text AS slept`),
    ]);
    expect(both.map((rows) => (rows as { one: number }[])[0]!.one)).toEqual([1, 1, 1, 1]);

    proxy.freeze();
    try {
      // One query and one transaction per pool: every connection each pool has is now stalled.
      const attempts = await Promise.all([
        timed(() => pool.$queryRaw`SELECT 1`),
        timed(() => pool.$transaction(async (tx) => tx.$executeRaw`SELECT 1`)),
        timed(() => prisma.$queryRaw`SELECT 1`),
        timed(() => prisma.$transaction((tx) => tx.$executeRaw`SELECT 1`)),
      ]);
      for (const attempt of attempts) {
        expect(attempt.error).toBeTruthy();
        expect(attempt.ms).toBeLessThan(ANSWER_WITHIN_MS);
      }
      // The stalled connections are gone, not waiting in the pool behind their stuck queries: the next
      // queries need fresh connections, which cannot be made, and say so within the connect timeout.
      for (const attempt of await Promise.all([timed(() => pool.$queryRaw`SELECT 1`), timed(() => prisma.user.count())])) {
        expect(attempt.error).toBeTruthy();
        expect(attempt.ms).toBeLessThan(CONNECT_WITHIN_MS);
      }
    } finally {
      proxy.thaw();
    }
    expect(await pool.$queryRaw`SELECT 2 AS two`).toEqual([{ two: 2 }]);
    expect(await prisma.$queryRaw`SELECT 2 AS two`).toEqual([{ two: 2 }]);
    expect(await pool.$transaction(async (tx) => tx.$queryRaw`SELECT 3 AS three`)).toEqual([{ three: 3 }]);
    expect(await prisma.$transaction((tx) => tx.$queryRaw`SELECT 3 AS three`)).toEqual([{ three: 3 }]);
  });

  it('has the server cancel a statement that runs too long, and keeps the connection', async () => {
    const slow = await timed(() => pool.$queryRaw`SELECT pg_sleep(5)`);
    expect(String(slow.error)).toMatch(/statement timeout/);
    expect(slow.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await pool.$queryRaw`SELECT 4 AS four`).toEqual([{ four: 4 }]);
  });
});
