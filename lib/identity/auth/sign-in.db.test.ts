import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { RateLimitedError } from '@/lib/platform/errors';
import { createOrg, createUser, uniqueSlug } from '@/dev/testing/factories';
import { hashPassword } from './password';
import { loadSession } from './sessions';
import { SIGN_IN_LIMITS, signInWithPassword } from './sign-in';
import type { SignInLimits } from './sign-in-limiter';

let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword('right password');
});

/** An address of this run only (a random IPv6 /64): counters outlive a run on a reused database. */
const freshAddress = (host = 1) => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::${host.toString(16)}`;

const attempt = (email: string, password: string, ip = freshAddress(), limits?: SignInLimits) =>
  signInWithPassword({ email, password, ip, userAgent: 'vitest' }, limits);

/** Password checks made against `userId`: each failed one is audited. */
const checkedPasswords = (userId: string) => prisma.auditEvent.count({ where: { actorId: userId, action: 'auth.sign_in_failed' } });

describe('password sign-in', () => {
  it('accepts the right password, case-insensitively on the email, and audits it', async () => {
    const user = await createUser({ staffRole: 'staff-support', passwordHash });
    const ip = freshAddress();
    const result = await attempt(user.email.toUpperCase(), 'right password', ip);
    expect(result).toEqual({ ok: true, userId: user.id, sessionId: expect.any(String) });
    const event = await prisma.auditEvent.findFirst({ where: { actorId: user.id, action: 'auth.sign_in' } });
    expect(event?.metadata).toEqual({ method: 'password' });
    // The session starts with the sign-in, and remembers where from.
    const sessionId = result.ok === true ? result.sessionId : '';
    expect(await prisma.session.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({ userId: user.id, authMethod: 'password', ip, userAgent: 'vitest', endedAt: null });
    const started = await prisma.auditEvent.findFirstOrThrow({ where: { actorId: user.id, action: 'auth.session_start' } });
    expect(started.metadata).toEqual({ sessionId, method: 'password' });
    expect(await loadSession(prisma, sessionId)).toMatchObject({ id: user.id, sessionId, authMethod: 'password' });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).not.toBeNull();
  });

  it('refuses a wrong password, an unknown email and a disabled user alike', async () => {
    const user = await createUser({ passwordHash });
    const disabled = await createUser({ passwordHash });
    await prisma.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    expect(await attempt(user.email, 'wrong')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt(`${uniqueSlug('nobody')}@example.test`, 'right password')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt(disabled.email, 'right password')).toEqual({ ok: false, reason: 'invalid' });
    expect(await prisma.session.count({ where: { userId: { in: [user.id, disabled.id] } } })).toBe(0);
  });
});

describe('sign-in limits', () => {
  it('counts before it checks: 20 parallel wrong passwords from one address try at most the limit', async () => {
    expect(SIGN_IN_LIMITS.perAccountAddress).toBe(5);
    const user = await createUser({ passwordHash });
    const ip = freshAddress();
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => attempt(user.email, `wrong ${i}`, ip)));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.every((r) => r.reason instanceof RateLimitedError)).toBe(true);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(await checkedPasswords(user.id)).toBe(5);
    // That address stays refused for this account, even with the right password...
    await expect(attempt(user.email, 'right password', ip)).rejects.toBeInstanceOf(RateLimitedError);
    expect(await checkedPasswords(user.id)).toBe(5);
    // ...while the account itself is not locked, and other accounts are unaffected.
    expect((await attempt(user.email, 'right password')).ok).toBe(true);
    const other = await createUser({ passwordHash });
    expect((await attempt(other.email, 'right password')).ok).toBe(true);
  });

  it('limits one address across accounts, in parallel too; an IPv6 /64 is one address', async () => {
    const limits: SignInLimits = { ...SIGN_IN_LIMITS, perAddress: 5 };
    const ip = freshAddress(1);
    const sameNetwork = ip.replace(/::1$/, '::beef');
    const victims = await Promise.all(Array.from({ length: 20 }, () => createUser({ passwordHash })));
    const results = await Promise.allSettled(victims.map((victim, i) => attempt(victim.email, 'guess', i % 2 ? ip : sameNetwork, limits)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof RateLimitedError)).toBe(true);
    const checked = await prisma.auditEvent.count({ where: { actorId: { in: victims.map((v) => v.id) }, action: 'auth.sign_in_failed' } });
    expect(checked).toBe(5);
    const user = await createUser({ passwordHash });
    await expect(attempt(user.email, 'right password', ip, limits)).rejects.toBeInstanceOf(RateLimitedError);
    expect((await attempt(user.email, 'right password', freshAddress(), limits)).ok).toBe(true);
  });

  it('a successful sign-in gives its attempt back to the address', async () => {
    const limits: SignInLimits = { ...SIGN_IN_LIMITS, perAddress: 3 };
    const office = freshAddress();
    for (let i = 0; i < 6; i++) {
      const colleague = await createUser({ passwordHash });
      expect((await attempt(colleague.email, 'right password', office, limits)).ok).toBe(true);
    }
  });

  it('a spray from many addresses slows the account down but never locks the user out of their own address', async () => {
    const user = await createUser({ staffRole: 'staff-admin', passwordHash });
    const home = freshAddress();
    expect((await attempt(user.email, 'right password', home)).ok).toBe(true);

    // 60 guesses from 60 addresses, all at once: each address is within its own limits.
    const spray = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => attempt(user.email, `guess ${i}`)));
    // The real user, from their own address, signs in at once.
    expect(await attempt(user.email, 'right password', home)).toMatchObject({ ok: true, userId: user.id });

    const tried = spray.filter((r) => r.status === 'fulfilled').length;
    expect(spray.filter((r) => r.status === 'rejected').every((r) => r.reason instanceof RateLimitedError)).toBe(true);
    // The free budget, then paced attempts 1, 2, 4, 8 s apart: four more would take the spray 15 s.
    expect(tried).toBeGreaterThanOrEqual(SIGN_IN_LIMITS.accountFreeFailures);
    expect(tried).toBeLessThanOrEqual(SIGN_IN_LIMITS.accountFreeFailures + 4);
    expect(await checkedPasswords(user.id)).toBe(tried);

    // From addresses never used before, the account takes one attempt at a time and asks the rest to
    // wait seconds, not the whole window.
    const elsewhere = await Promise.allSettled([attempt(user.email, 'right password'), attempt(user.email, 'right password')]);
    const waits = elsewhere.flatMap((r) => (r.status === 'rejected' ? [r.reason as RateLimitedError] : []));
    expect(waits.length).toBeGreaterThanOrEqual(1);
    for (const wait of waits) {
      expect(wait).toBeInstanceOf(RateLimitedError);
      expect(wait.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_LIMITS.accountMaxDelaySeconds);
    }
  });

  it('paces the account: past the free budget one attempt at a time, with a delay that grows', async () => {
    const limits: SignInLimits = { ...SIGN_IN_LIMITS, accountFreeFailures: 3, accountMaxDelaySeconds: 2 };
    const user = await createUser({ passwordHash });
    for (let i = 0; i < 3; i++) expect(await attempt(user.email, 'guess', freshAddress(), limits)).toEqual({ ok: false, reason: 'invalid' });
    // The first paced attempt is free to go (delay 1 s), the next must wait for its slot.
    expect(await attempt(user.email, 'guess', freshAddress(), limits)).toEqual({ ok: false, reason: 'invalid' });
    const early = await attempt(user.email, 'right password', freshAddress(), limits).catch((error: unknown) => error);
    expect(early).toBeInstanceOf(RateLimitedError);
    expect((early as RateLimitedError).retryAfterSeconds).toBeLessThanOrEqual(2);
    expect((early as RateLimitedError).message).toMatch(/Try again in [12] seconds?\./);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await attempt(user.email, 'right password', freshAddress(), limits)).ok).toBe(true);
    expect(await checkedPasswords(user.id)).toBe(4);
  });

  it('refuses passwords for a domain whose organization requires SSO', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const domain = `${uniqueSlug('corp')}.test`;
    await prisma.orgDomain.create({ data: { orgId: org.id, domain, verificationToken: 'x', verifiedAt: new Date() } });
    await prisma.organization.update({ where: { id: org.id }, data: { ssoRequired: true } });
    const user = await createUser({ email: `dev@${domain}`, passwordHash });
    expect(await attempt(user.email, 'right password')).toEqual({ ok: false, reason: 'sso_required' });
  });
});

describe('session user', () => {
  it('carries id, staff role and memberships', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const user = await createUser({ staffRole: null, passwordHash });
    await prisma.membership.create({ data: { userId: user.id, orgId: org.id, role: 'admin' } });
    const signedIn = await attempt(user.email, 'right password');
    const sessionId = signedIn.ok === true ? signedIn.sessionId : '';
    const session = await loadSession(prisma, sessionId);
    expect(session).toEqual({
      id: user.id,
      email: user.email,
      name: user.name,
      staffRole: null,
      authMethod: 'password',
      sessionId,
      mfaEnrolled: false,
      mfaMethod: null,
      memberships: [{ orgId: org.id, orgSlug: org.slug, orgName: org.name, role: 'admin', customRoleId: null }],
    });
  });
});
