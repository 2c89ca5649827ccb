import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '@/lib/identity/auth/actor';
import { hashPassword } from '@/lib/identity/auth/password';
import { loadSession } from '@/lib/identity/auth/sessions';
import { signInWithPassword } from '@/lib/identity/auth/sign-in';
import { disconnectPrisma, prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { createMember, createOrg, createStaff, createUser, uniqueSlug } from '@/dev/testing/factories';
import { deactivateStaffUser, reactivateStaffUser } from './staff-users';

// "The last active staff admin" counts every staff admin in the database, so this file owns one.
let scratch: ScratchDatabase;
let sharedUrl: string | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase();
  sharedUrl = process.env.DATABASE_URL;
  await disconnectPrisma();
  process.env.DATABASE_URL = scratch.url;
});
afterAll(async () => {
  await disconnectPrisma();
  process.env.DATABASE_URL = sharedUrl;
  await scratch?.drop();
});

let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword('staff password here');
});

const signIn = async (email: string) => {
  const result = await signInWithPassword({ email, password: 'staff password here', ip: '192.0.2.10', userAgent: 'vitest' });
  return result.ok === true ? result.sessionId : null;
};

describe('staff deactivation', () => {
  it('stops a staff account at once: its sessions end, it cannot sign in; reactivation lets it back', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createUser({ staffRole: 'staff-support', passwordHash });
    const sessions = [await signIn(support.email), await signIn(support.email)];
    for (const id of sessions) expect(await loadSession(prisma, id!)).not.toBeNull();

    expect(await deactivateStaffUser(admin.actor, { email: support.email.toUpperCase() })).toMatchObject({ sessionsEnded: 2, user: { disabledAt: expect.any(Date) } });
    for (const id of sessions) expect(await loadSession(prisma, id!)).toBeNull();
    expect(await signIn(support.email)).toBeNull();
    const audited = await prisma.auditEvent.findMany({ where: { targetId: support.id, action: { in: ['staff.deactivate', 'auth.session_end'] } }, orderBy: { id: 'asc' } });
    expect(audited.map((e) => [e.action, e.actorId])).toEqual([
      ['staff.deactivate', admin.user.id],
      ['auth.session_end', admin.user.id],
    ]);
    expect(audited[1]!.metadata).toEqual({ reason: 'deactivated', sessionIds: expect.arrayContaining(sessions) });
    await expect(deactivateStaffUser(admin.actor, { email: support.email })).rejects.toThrow('is already deactivated');

    await reactivateStaffUser(admin.actor, { email: support.email });
    expect(await signIn(support.email)).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { targetId: support.id, action: 'staff.reactivate' } })).toBe(1);
    await expect(reactivateStaffUser(admin.actor, { email: support.email })).rejects.toThrow('is active');
  });

  it('only a staff admin, only staff accounts, never yourself', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const org = await createOrg();
    const customer = await createMember(org.id, 'owner');
    await expect(deactivateStaffUser(support.actor, { email: admin.user.email })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deactivateStaffUser(customer.actor, { email: support.user.email })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deactivateStaffUser(admin.actor, { email: customer.user.email })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deactivateStaffUser(admin.actor, { email: `${uniqueSlug('nobody')}@vendor.test` })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deactivateStaffUser(admin.actor, { email: admin.user.email })).rejects.toThrow('You cannot deactivate your own account.');
    expect(await prisma.user.count({ where: { id: { in: [admin.user.id, support.user.id, customer.user.id] }, disabledAt: { not: null } } })).toBe(0);
  });

  it('never the last active staff admin, even when the last two deactivate each other at once', async () => {
    await prisma.user.updateMany({ where: { staffRole: 'staff-admin', disabledAt: null }, data: { disabledAt: new Date() } });
    const [a, b] = [await createStaff('staff-admin'), await createStaff('staff-admin')];
    const results = await Promise.allSettled([deactivateStaffUser(a.actor, { email: b.user.email }), deactivateStaffUser(b.actor, { email: a.user.email })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(ConflictError);
    expect(refused.reason.message).toMatch(/is the last active staff admin/);
    expect(await prisma.user.count({ where: { staffRole: 'staff-admin', disabledAt: null } })).toBe(1);
    // The CLI (which acts as staff-admin without an account) cannot either.
    const last = await prisma.user.findFirstOrThrow({ where: { staffRole: 'staff-admin', disabledAt: null } });
    await expect(deactivateStaffUser(cliActor('ops'), { email: last.email })).rejects.toThrow(/last active staff admin/);
  });
});
