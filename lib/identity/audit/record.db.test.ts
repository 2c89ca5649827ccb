import { describe, expect, it } from 'vitest';
import { systemActor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { createOrg, createStaff } from '@/dev/testing/factories';
import { auditHash } from './hash';
import { recordAudit } from './record';
import { contentOf } from './verify';

describe('recordAudit', () => {
  it('writes who, what, where and before/after, chained to the previous event', async () => {
    const org = await createOrg();
    const { actor, user } = await createStaff('staff-admin');
    const first = await recordAudit(prisma, actor, {
      action: 'customer.update',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      before: { tier: 'team', notes: null },
      after: { tier: 'enterprise', notes: null, passwordHash: 'never stored' },
    });
    const second = await recordAudit(prisma, systemActor('test'), { action: 'customer.touch', target: { type: 'organization', id: org.id } });
    const stored = await prisma.auditEvent.findUniqueOrThrow({ where: { id: first.id } });

    expect(stored).toMatchObject({
      hash: first.hash,
      actorType: 'staff',
      actorId: user.id,
      actorLabel: user.email,
      action: 'customer.update',
      targetType: 'organization',
      targetId: org.id,
      orgId: org.id,
      ip: '203.0.113.7',
      userAgent: 'vitest',
      before: { tier: 'team', notes: null },
      after: { tier: 'enterprise', notes: null },
    });
    // Events from concurrent tests may sit in between, but the chain links each to its predecessor.
    const predecessor = await prisma.auditEvent.findFirst({ where: { id: { lt: second.id } }, orderBy: { id: 'desc' } });
    expect((await prisma.auditEvent.findUniqueOrThrow({ where: { id: second.id } })).prevHash).toBe(predecessor!.hash);
    expect(auditHash(stored.prevHash, contentOf(stored))).toBe(stored.hash);
  });

  it('commits with the change it records, or not at all', async () => {
    const org = await createOrg();
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.organization.update({ where: { id: org.id }, data: { tier: 'enterprise' } });
        await recordAudit(tx, systemActor('test'), { action: 'customer.update', target: { type: 'organization', id: org.id }, orgId: org.id });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).tier).toBe('team');
    expect(await prisma.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
  });
});

describe('the audit table is append-only in PostgreSQL', () => {
  it('rejects UPDATE and DELETE, even as raw SQL', async () => {
    const event = await recordAudit(prisma, systemActor('test'), { action: 'test.event', target: { type: 'test' } });
    await expect(prisma.$executeRaw`UPDATE audit_events SET action = 'forged' WHERE id = ${event.id}`).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRaw`DELETE FROM audit_events WHERE id = ${event.id}`).rejects.toThrow(/append-only/);
    await expect(prisma.auditEvent.update({ where: { id: event.id }, data: { action: 'forged' } })).rejects.toThrow(/append-only/);
    expect((await prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).action).toBe('test.event');
  });

  it('lets only the retention path delete, inside its own transaction', async () => {
    const event = await recordAudit(prisma, systemActor('test'), { action: 'test.expired', target: { type: 'test' } });
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('portcullis.audit_purge', 'on', true)`;
      await tx.$executeRaw`DELETE FROM audit_events WHERE id = ${event.id}`;
    });
    expect(await prisma.auditEvent.findUnique({ where: { id: event.id } })).toBeNull();
    // The setting was local to that transaction.
    const other = await recordAudit(prisma, systemActor('test'), { action: 'test.kept', target: { type: 'test' } });
    await expect(prisma.$executeRaw`DELETE FROM audit_events WHERE id = ${other.id}`).rejects.toThrow(/append-only/);
  });
});
