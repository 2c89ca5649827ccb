import { afterAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { createSqlPool, type Sql } from '@/lib/platform/db/sql';
import { NotFoundError, UnauthorizedError } from '@/lib/platform/errors';
import { createOrg, createUser, userActor } from '@/dev/testing/factories';
import { cliActor, type Actor } from './actor';
import { endAllSessions, endSession, listSessions, loadSession, SESSION_MAX_AGE_SECONDS, sessionMaxAgeSeconds, signOutSession, startSession } from './sessions';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

type User = Awaited<ReturnType<typeof createUser>>;

/** Signs `user` in from a browser: a session row, as the sign-in providers start it. */
async function signIn(user: User, userAgent = FIREFOX, now = new Date()) {
  const actor = { ...userActor(user), userAgent };
  const session = await prisma.$transaction((tx) => startSession(tx, actor, { authMethod: 'password' }, now));
  return { id: session.id, actor: { ...actor, sessionId: session.id } as Actor };
}

const row = (id: string) => prisma.session.findUniqueOrThrow({ where: { id } });
const events = (userId: string, action: string) => prisma.auditEvent.findMany({ where: { action, targetId: userId }, orderBy: { id: 'asc' } });

const pool = createSqlPool(process.env.DATABASE_URL!, 1);
afterAll(() => pool.end());

describe('sessions', () => {
  it('load the user through a live row in one statement, touching last seen at most once a minute', async () => {
    const org = await createOrg();
    const user = await createUser();
    await prisma.membership.create({ data: { userId: user.id, orgId: org.id, role: 'editor' } });
    const signedInAt = new Date(Date.now() - 5 * 60_000);
    const { id } = await signIn(user, FIREFOX, signedInAt);

    const statements: string[] = [];
    const counting: Sql = {
      $queryRaw: (query, ...values) => (statements.push(query.join('?')), prisma.$queryRaw(query, ...values)),
      $executeRaw: (query, ...values) => (statements.push(query.join('?')), prisma.$executeRaw(query, ...values)),
    };
    const loaded = await loadSession(counting, id);
    expect(statements).toHaveLength(1);
    expect(loaded).toMatchObject({ id: user.id, sessionId: id, authMethod: 'password', memberships: [{ orgId: org.id, orgSlug: org.slug, role: 'editor' }] });
    const seen = (await row(id)).lastSeenAt;
    expect(seen.getTime()).toBeGreaterThan(signedInAt.getTime());

    // Within the minute the row is not written again.
    await loadSession(prisma, id, new Date(seen.getTime() + 30_000));
    expect((await row(id)).lastSeenAt).toEqual(seen);
    await loadSession(prisma, id, new Date(seen.getTime() + 61_000));
    expect((await row(id)).lastSeenAt).toEqual(new Date(seen.getTime() + 61_000));

    // The registry gateway's bare pg pool reads the same shape.
    expect(await loadSession(pool, id)).toEqual(await loadSession(prisma, id));
  });

  it('refuse an ended or expired session, a disabled user, and an unknown id', async () => {
    const user = await createUser();
    const expired = await signIn(user, FIREFOX, new Date(Date.now() - SESSION_MAX_AGE_SECONDS * 1000 - 1000));
    expect(await loadSession(prisma, expired.id)).toBeNull();
    expect(await loadSession(prisma, 'no-such-session')).toBeNull();

    const live = await signIn(user);
    expect(await loadSession(prisma, live.id)).not.toBeNull();
    await prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await loadSession(prisma, live.id)).toBeNull();
  });

  it('list the live sessions of the signed-in person only, this device first', async () => {
    const user = await createUser();
    const stranger = await createUser();
    const laptop = await signIn(user, FIREFOX);
    const phone = await signIn(user, SAFARI);
    await signIn(stranger);
    const ended = await signIn(user);
    await endSession(ended.actor, { sessionId: ended.id });

    const listed = await listSessions(phone.actor);
    expect(listed.map((s) => [s.id, s.device, s.current])).toEqual([
      [phone.id, 'Safari on macOS', true],
      [laptop.id, 'Firefox on Linux', false],
    ]);
    expect(listed[0]).toMatchObject({ ip: '203.0.113.7', authMethod: 'password' });
    await expect(listSessions(cliActor())).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('a person ends one of their sessions, never another person’s; each end is audited', async () => {
    const user = await createUser();
    const other = await createUser();
    const mine = await signIn(user);
    const spare = await signIn(user);
    const theirs = await signIn(other);

    await expect(endSession(mine.actor, { sessionId: theirs.id })).rejects.toBeInstanceOf(NotFoundError);
    expect((await row(theirs.id)).endedAt).toBeNull();
    expect(await events(other.id, 'auth.session_end')).toHaveLength(0);

    expect(await endSession(mine.actor, { sessionId: spare.id })).toEqual({ ended: 1, current: false });
    expect(await row(spare.id)).toMatchObject({ endedReason: 'ended_by_user', endedAt: expect.any(Date) });
    expect(await loadSession(prisma, spare.id)).toBeNull();
    expect(await loadSession(prisma, mine.id)).not.toBeNull();
    const [event] = await events(user.id, 'auth.session_end');
    expect(event).toMatchObject({ actorId: user.id, metadata: { reason: 'ended_by_user', sessionIds: [spare.id] } });

    // An ended session cannot be ended twice.
    await expect(endSession(mine.actor, { sessionId: spare.id })).rejects.toThrow('That session has already ended.');
  });

  it('ends all other sessions, or all of them', async () => {
    const user = await createUser();
    const here = await signIn(user);
    const others = [await signIn(user), await signIn(user)];
    expect(await endAllSessions(here.actor, { includeCurrent: false })).toEqual({ ended: 2 });
    for (const other of others) expect(await loadSession(prisma, other.id)).toBeNull();
    expect(await loadSession(prisma, here.id)).not.toBeNull();

    expect(await endAllSessions(here.actor, { includeCurrent: true })).toEqual({ ended: 1 });
    expect(await loadSession(prisma, here.id)).toBeNull();
  });

  it('sign-out ends its own row once, audited as auth.sign_out', async () => {
    const user = await createUser();
    const session = await signIn(user);
    expect(await signOutSession(session.id, { ip: '198.51.100.4', userAgent: FIREFOX })).toBe(true);
    expect(await row(session.id)).toMatchObject({ endedReason: 'sign_out' });
    expect(await signOutSession(session.id)).toBe(false);
    const signOuts = await events(user.id, 'auth.sign_out');
    expect(signOuts).toHaveLength(1);
    expect(signOuts[0]).toMatchObject({ actorId: user.id, actorLabel: user.email, ip: '198.51.100.4', metadata: { sessionId: session.id } });
  });

  it('reads the lifetime from SESSION_MAX_AGE_HOURS', () => {
    expect(sessionMaxAgeSeconds({})).toBe(12 * 3600);
    expect(sessionMaxAgeSeconds({ SESSION_MAX_AGE_HOURS: '0.5' })).toBe(1800);
    expect(() => sessionMaxAgeSeconds({ SESSION_MAX_AGE_HOURS: 'forever' })).toThrow(/SESSION_MAX_AGE_HOURS/);
    expect(() => sessionMaxAgeSeconds({ SESSION_MAX_AGE_HOURS: '0' })).toThrow(/SESSION_MAX_AGE_HOURS/);
  });
});
