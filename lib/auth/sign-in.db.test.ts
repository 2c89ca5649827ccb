import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db/client';
import { RateLimitedError } from '@/lib/errors';
import { createOrg, createUser, uniqueSlug } from '@/lib/testing/factories';
import { hashPassword } from './password';
import { loadSessionUser } from './session-user';
import { SIGN_IN_LIMITS, signInWithPassword } from './sign-in';

let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword('right password');
});

const attempt = (email: string, password: string, ip = `198.51.100.${Math.floor(Math.random() * 250)}`) =>
  signInWithPassword({ email, password, ip, userAgent: 'vitest' });

describe('password sign-in', () => {
  it('accepts the right password, case-insensitively on the email, and audits it', async () => {
    const user = await createUser({ staffRole: 'staff-support', passwordHash });
    const result = await attempt(user.email.toUpperCase(), 'right password');
    expect(result).toEqual({ ok: true, userId: user.id });
    const event = await prisma.auditEvent.findFirst({ where: { actorId: user.id, action: 'auth.sign_in' } });
    expect(event?.metadata).toEqual({ method: 'password' });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt).not.toBeNull();
  });

  it('refuses a wrong password, an unknown email and a disabled user alike', async () => {
    const user = await createUser({ passwordHash });
    const disabled = await createUser({ passwordHash });
    await prisma.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
    expect(await attempt(user.email, 'wrong')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt(`${uniqueSlug('nobody')}@example.test`, 'right password')).toEqual({ ok: false, reason: 'invalid' });
    expect(await attempt(disabled.email, 'right password')).toEqual({ ok: false, reason: 'invalid' });
    expect(await loadSessionUser(disabled.id)).toBeNull();
  });

  it('locks an email out after repeated failures, even for the right password', async () => {
    const user = await createUser({ passwordHash });
    for (let i = 0; i < SIGN_IN_LIMITS.perEmail; i++) {
      expect((await attempt(user.email, `wrong ${i}`)).ok).toBe(false);
    }
    await expect(attempt(user.email, 'right password')).rejects.toBeInstanceOf(RateLimitedError);
    // Another account is unaffected.
    const other = await createUser({ passwordHash });
    expect((await attempt(other.email, 'right password')).ok).toBe(true);
  });

  it('limits failures per client IP across emails', async () => {
    // Addresses of this run only: counters outlive a run on a reused database for their 15-minute window.
    const [ip, otherIp] = [0, 1].map(() => `2001:db8::${randomBytes(4).toString('hex').replace(/(.{4})/, '$1:')}`);
    for (let i = 0; i < SIGN_IN_LIMITS.perIp; i++) {
      await attempt(`${uniqueSlug('spray')}@example.test`, 'guess', ip);
    }
    const user = await createUser({ passwordHash });
    await expect(attempt(user.email, 'right password', ip)).rejects.toBeInstanceOf(RateLimitedError);
    expect((await attempt(user.email, 'right password', otherIp)).ok).toBe(true);
  });

  it('refuses passwords for a domain whose organization requires SSO', async () => {
    const org = await createOrg();
    const domain = `${uniqueSlug('corp')}.test`;
    await prisma.orgDomain.create({ data: { orgId: org.id, domain, verificationToken: 'x', verifiedAt: new Date() } });
    await prisma.organization.update({ where: { id: org.id }, data: { ssoRequired: true } });
    const user = await createUser({ email: `dev@${domain}`, passwordHash });
    expect(await attempt(user.email, 'right password')).toEqual({ ok: false, reason: 'sso_required' });
  });
});

describe('session user', () => {
  it('carries id, staff role and memberships', async () => {
    const org = await createOrg();
    const user = await createUser({ staffRole: null });
    await prisma.membership.create({ data: { userId: user.id, orgId: org.id, role: 'admin' } });
    const session = await loadSessionUser(user.id);
    expect(session).toMatchObject({
      id: user.id,
      email: user.email,
      staffRole: null,
      authMethod: 'password',
      memberships: [{ orgId: org.id, orgSlug: org.slug, orgName: org.name, role: 'admin', customRoleId: null }],
    });
  });
});
