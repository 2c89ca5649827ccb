import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as ready } from '@/app/api/ready/route';
import { disconnectPrisma, prisma } from '@/lib/platform/db/client';
import { log } from '@/lib/platform/log';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { checkReadiness, shippedMigrations } from './readiness';

// Its own database: whether a signing key exists must not depend on other tests.
let scratch: ScratchDatabase;
let saved: string | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase();
  saved = process.env.DATABASE_URL;
  await disconnectPrisma();
  process.env.DATABASE_URL = scratch.url;
  // Open the pool first: the health check's 2 s budget is for a live server, not a cold start on a busy machine.
  await prisma.$queryRaw`SELECT 1`;
});
afterAll(async () => {
  await disconnectPrisma();
  process.env.DATABASE_URL = saved;
  await scratch?.drop();
});

describe('readiness', () => {
  it('waits for a signing key, then for nothing', async () => {
    expect(shippedMigrations().length).toBeGreaterThanOrEqual(3);
    const before = await checkReadiness();
    expect(before).toMatchObject({ ready: false, checks: { database: { ok: true }, migrations: { ok: true }, signingKey: { ok: false } } });
    await scratch.prisma.signingKey.create({ data: { kid: 'test-kid', publicKeyPem: 'x', privateKeyEnc: 'y', status: 'active' } });
    expect(await checkReadiness()).toEqual({ ready: true, checks: { database: { ok: true }, migrations: { ok: true }, signingKey: { ok: true } } });
  });

  it('reports a migration this build ships that the database lacks', async () => {
    await scratch.prisma.$executeRawUnsafe("UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name LIKE '%issue8_audit_chain_gaps'");
    const readiness = await checkReadiness();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.migrations.detail).toMatch(/^1 pending: \d+_issue8_audit_chain_gaps$/);
  });

  it('answers a database failure in generic words and logs the driver\'s', async () => {
    const missing = `portcullis_missing_${Date.now()}`;
    const url = new URL(scratch.url);
    url.pathname = `/${missing}`;
    await disconnectPrisma();
    process.env.DATABASE_URL = url.toString();
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => undefined);
    try {
      const response = await ready();
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(JSON.parse(body)).toMatchObject({ status: 'not_ready', checks: { database: { ok: false, detail: 'database unreachable' } } });
      expect(body).not.toContain(missing);
      expect(body).not.toContain('does not exist');
      expect(JSON.stringify(warn.mock.calls)).toContain(missing);
    } finally {
      warn.mockRestore();
      await disconnectPrisma();
      process.env.DATABASE_URL = scratch.url;
    }
  });
});

