import { afterAll, describe, expect, inject, it } from 'vitest';
import { auditHash } from '@/lib/identity/audit/hash';
import { recordAudit } from '@/lib/identity/audit/record';
import { contentOf } from '@/lib/identity/audit/verify';
import { systemActor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { verifyRegistryCredentials } from '@/lib/product/registry/credentials';
import { mintToken } from '@/lib/product/registry/tokens';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createSqlPool, sqlTimestamp } from './sql';

// The gateway's pool must answer exactly as Prisma does: the same services run on both.
const pool = createSqlPool(inject('databaseUrl'), 2);
afterAll(() => pool.end());

describe('createSqlPool', () => {
  it('reads timestamps, bigints, arrays and nulls as Prisma raw queries do', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const query = (db: typeof pool | typeof prisma) =>
      db.$queryRaw<unknown[]>`SELECT ${sqlTimestamp(at)}::timestamp AS at, ${at}::timestamptz AS at_tz, 9007199254740993::int8 AS big,
                                     ${['a', null, 'c"d']}::text[] AS list, ${null}::text AS nothing, ${42}::int AS n, ${true}::boolean AS yes`;
    const viaPool = await query(pool);
    expect(viaPool).toEqual([{ at, at_tz: at, big: 9007199254740993n, list: ['a', null, 'c"d'], nothing: null, n: 42, yes: true }]);
    expect(viaPool).toEqual(await query(prisma));
  });

  it('checks registry credentials with the same answer as Prisma', async () => {
    const org = await createOrg();
    const repository = await prisma.repository.create({ data: { name: `acme/${uniqueSlug('sql')}`, upstreamUrl: 'http://127.0.0.1:5000', upstreamRepository: 'product' } });
    await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repository.id } });
    const { actor } = await createStaff('staff-support');
    const { token, record } = await mintToken(actor, { orgId: org.id, name: 'sql', repositoryIds: [repository.id] });

    const viaPool = await verifyRegistryCredentials(pool, org.slug, token);
    expect(viaPool).toEqual({ ok: true, token: { tokenId: record.id, orgId: org.id, orgSlug: org.slug, repositories: [repository.name], versionRules: {}, licenseExpiresAt: null, expiresAt: record.expiresAt } });
    expect(viaPool).toEqual(await verifyRegistryCredentials(prisma, org.slug, token));
    expect(await verifyRegistryCredentials(pool, 'someone-else', token)).toEqual(await verifyRegistryCredentials(prisma, 'someone-else', token));
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const org = await createOrg();
    const rename = (name: string) => pool.$executeRaw`UPDATE organizations SET name = ${name} WHERE id = ${org.id}`;
    expect(await pool.$transaction(async (tx) => tx.$executeRaw`UPDATE organizations SET name = ${'Kept'} WHERE id = ${org.id}`)).toBe(1);
    await expect(
      pool.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE organizations SET name = ${'Lost'} WHERE id = ${org.id}`;
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).name).toBe('Kept');
    expect(await rename('Renamed')).toBe(1);
  });

  it('records audit events that chain and verify like those written through Prisma', async () => {
    const org = await createOrg();
    const event = await pool.$transaction((tx) =>
      recordAudit(tx, systemActor('gateway'), { action: 'onboarding.tick', target: { type: 'onboarding_item', id: `${org.id}:first_pull` }, orgId: org.id, after: { key: 'first_pull', done: true, at: new Date(0) } }),
    );
    const stored = await prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(stored).toMatchObject({ hash: event.hash, actorLabel: 'system:gateway', after: { key: 'first_pull', done: true, at: '1970-01-01T00:00:00.000Z' } });
    expect(auditHash(stored.prevHash, contentOf(stored))).toBe(stored.hash);
  });

  it('refuses to bind an object, which would silently become JSON in one client and an error in the other', async () => {
    await expect(pool.$queryRaw`SELECT ${{ a: 1 }}::jsonb`).rejects.toThrow(/bind JSON as a string/);
  });
});
