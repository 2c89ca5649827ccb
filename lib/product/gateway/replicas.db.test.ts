import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { generateToken } from '@/lib/product/registry/token-format';
import { mintToken, revokeToken } from '@/lib/product/registry/tokens';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { startGatewayProcess } from '@/dev/testing/gateway-process';
import type { RunningProcess } from '@/dev/testing/registry-tools';
import { TcpProxy } from '@/dev/testing/tcp-proxy';

/**
 * Gateway replicas as separate server processes on one database (ports
 * 5110-5119): a revocation reaches every replica's cache within a second; a
 * replica cut off from the database fails closed and recovers by itself; a
 * clean stop writes every buffered pull event.
 */
const databaseUrl = process.env.DATABASE_URL!;

async function setup() {
  const { actor } = await createStaff('staff-admin');
  const org = await createOrg();
  const repo = await prisma.repository.create({ data: { name: `${uniqueSlug('replica')}/app`, upstreamUrl: 'http://127.0.0.1:9', upstreamRepository: 'vendor/app' } });
  await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repo.id } });
  const minted = await mintToken(actor, { orgId: org.id, name: 'replicas', repositoryIds: [repo.id] });
  const auth = `Basic ${Buffer.from(`${org.slug}:${minted.token}`).toString('base64')}`;
  return { actor, org, repo, tokenId: minted.record.id, auth };
}

describe('gateway replicas on one database', () => {
  const running: RunningProcess[] = [];
  let a: RunningProcess;
  let b: RunningProcess;

  beforeAll(async () => {
    [a, b] = await Promise.all([startGatewayProcess({ port: 5111, databaseUrl }), startGatewayProcess({ port: 5112, databaseUrl })]);
    running.push(a, b);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
  });

  // Timing on a shared 2-core machine: a retry absorbs a load spike, a real delay fails every try.
  it('stops a revoked token on every replica within one second', { retry: 2 }, async () => {
    const { actor, tokenId, auth } = await setup();
    // Both replicas have verified (and cached) the token.
    for (const replica of [a, b]) {
      for (let i = 0; i < 3; i++) expect((await fetch(`${replica.url}/v2/`, { headers: { authorization: auth } })).status).toBe(200);
    }
    await revokeToken(actor, tokenId, 'replica test');
    const revokedAt = Date.now();
    const stopped = await Promise.all(
      [a, b].map(async (replica) => {
        for (;;) {
          const response = await fetch(`${replica.url}/v2/`, { headers: { authorization: auth } });
          if (response.status === 401) return Date.now() - revokedAt;
          if (Date.now() - revokedAt > 5_000) return Infinity;
        }
      }),
    );
    for (const ms of stopped) expect(ms).toBeLessThan(1_000);
  });

  it('fails closed with 503 while the database is unreachable, and recovers by itself', async () => {
    const { auth } = await setup();
    const proxy = new TcpProxy(5115, { host: new URL(databaseUrl).hostname || '127.0.0.1', port: Number(new URL(databaseUrl).port || 5432) });
    await proxy.up();
    const c = await startGatewayProcess({ port: 5116, databaseUrl: TcpProxy.databaseUrlVia(databaseUrl, 5115) });
    running.push(c);
    try {
      expect((await fetch(`${c.url}/v2/`, { headers: { authorization: auth } })).status).toBe(200);
      await proxy.down();
      const cutAt = Date.now();
      let response = await fetch(`${c.url}/v2/`, { headers: { authorization: auth } });
      // The replica notices the lost connection asynchronously; until then its cache answers.
      while (response.status === 200 && Date.now() - cutAt < 5_000) response = await fetch(`${c.url}/v2/`, { headers: { authorization: auth } });
      expect(response.status).toBe(503);
      expect(Date.now() - cutAt).toBeLessThan(1_000);
      expect(await response.json()).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
      expect((await fetch(`${c.url}/healthz`)).status).toBe(503);
      // A cached credential is no pass either.
      response = await fetch(`${c.url}/v2/`, { headers: { authorization: auth } });
      expect(response.status).toBe(503);

      await proxy.up();
      const deadline = Date.now() + 20_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (await fetch(`${c.url}/v2/`, { headers: { authorization: auth } })).status;
        if (status === 200) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
      // The change listener reconnects with backoff (at most 2 s), then caching resumes.
      while (Date.now() < deadline && (await fetch(`${c.url}/healthz`)).status !== 200) await new Promise((r) => setTimeout(r, 200));
      expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
    } finally {
      await c.stop();
      await proxy.down();
    }
  }, 60_000);

  it('answers 503 within its deadline while the database stalls with its connections open, and recovers', async () => {
    const { auth, org } = await setup();
    const unknown = `Basic ${Buffer.from(`${org.slug}:${generateToken()}`).toString('base64')}`;
    const proxy = new TcpProxy(5113, { host: new URL(databaseUrl).hostname || '127.0.0.1', port: Number(new URL(databaseUrl).port || 5432) });
    await proxy.up();
    const e = await startGatewayProcess({
      port: 5114,
      databaseUrl: TcpProxy.databaseUrlVia(databaseUrl, 5113),
      env: { DATABASE_QUERY_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '3000' },
    });
    running.push(e);
    const pull = async (authorization: string) => {
      const started = Date.now();
      const response = await fetch(`${e.url}/v2/`, { headers: { authorization }, signal: AbortSignal.timeout(20_000) });
      return { status: response.status, ms: Date.now() - started, body: await response.text() };
    };
    try {
      expect((await pull(auth)).status).toBe(200);
      expect((await pull(unknown)).status).toBe(401);

      proxy.freeze();
      // More requests than the gateway has pooled connections, every one needing the database.
      const stalled = await Promise.all(Array.from({ length: 8 }, () => pull(unknown)));
      for (const answer of stalled) {
        expect(answer.status).toBe(503);
        expect(JSON.parse(answer.body)).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
        expect(answer.ms).toBeLessThan(3_000 + 1_500);
      }
      // Its heartbeat has noticed by now: cached credentials are no pass either.
      expect((await fetch(`${e.url}/healthz`)).status).toBe(503);
      const cached = await pull(auth);
      expect(cached.status).toBe(503);
      expect(cached.ms).toBeLessThan(3_000 + 1_500);

      proxy.thaw();
      const until = Date.now() + 20_000;
      let status = 0;
      while (Date.now() < until && (status = (await pull(auth)).status) !== 200) await new Promise((r) => setTimeout(r, 200));
      expect(status).toBe(200);
      expect((await pull(unknown)).status).toBe(401);
    } finally {
      proxy.thaw();
      await e.stop();
      await proxy.down();
    }
  }, 90_000);

  it('writes every buffered pull event on a clean stop', async () => {
    const { org, auth } = await setup();
    // Flushes only at shutdown, so everything below is still in memory when we stop it.
    const d = await startGatewayProcess({ port: 5117, databaseUrl, env: { PULL_EVENTS_FLUSH_MS: '3600000' } });
    running.push(d);
    const repository = `${uniqueSlug('ungranted')}/app`;
    for (let i = 0; i < 25; i++) {
      const response = await fetch(`${d.url}/v2/${repository}/manifests/tag-${i}`, { method: 'HEAD', headers: { authorization: auth } });
      expect(response.status).toBe(403);
    }
    expect(await prisma.pullEvent.count({ where: { repository } })).toBe(0);
    await d.stop();
    expect({ exitCode: d.child.exitCode, signal: d.child.signalCode }).toEqual({ exitCode: 0, signal: null });
    const events = await prisma.pullEvent.findMany({ where: { repository }, orderBy: { id: 'asc' } });
    expect(events).toHaveLength(25);
    expect(events[0]).toMatchObject({ orgId: org.id, outcome: 'denied', reason: 'repository not granted', method: 'HEAD', clientIp: '127.0.0.1' });
    const token = await prisma.registryToken.findFirstOrThrow({ where: { orgId: org.id } });
    expect(token.lastUsedAt).not.toBeNull();
  }, 60_000);
});
