import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { runCli } from '@/dev/testing/cli';
import { createMember, createOrg, createStaff, createUser, enrolMfa, userActor } from '@/dev/testing/factories';
import type { Actor } from './actor';
import {
  beginMfaEnrolment,
  completeMfaSignIn,
  confirmMfaEnrolment,
  disableMfa,
  MFA_TICKET_ATTEMPTS,
  MFA_TICKET_MINUTES,
  mfaStatus,
  regenerateRecoveryCodes,
  resetMfa,
} from './mfa';
import { MfaRequiredError, satisfiesStaffMfa } from './mfa-policy';
import { setOrgMfaRequirement } from './org-mfa-requirement';
import { hashPassword } from './password';
import { loadSession, startSession } from './sessions';
import { SIGN_IN_LIMITS, signInWithPassword } from './sign-in';

/** Codes come from oathtool, the independent implementation. */
const oathtool = (secret: string, at = Date.now()) =>
  execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${Math.floor(at / 1000)}`], { encoding: 'utf8' }).trim();

const PASSWORD = 'a long right password';
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(PASSWORD);
});

const freshAddress = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`;

/** A signed-in person with a password and a session, acting as a browser does. */
async function person(staffRole: 'staff-admin' | 'staff-support' | null = null) {
  const user = await createUser({ staffRole, passwordHash });
  const base = userActor(user);
  const session = await prisma.$transaction((tx) => startSession(tx, base, { authMethod: 'password' }));
  const actor: Actor = { ...base, sessionId: session.id, session: { authMethod: 'password', mfaEnrolled: false } };
  return { user, actor, sessionId: session.id };
}

/** Enrols through the real two steps; returns the secret shown and the recovery codes. */
async function enrol(actor: Actor) {
  const started = await beginMfaEnrolment(actor, { password: PASSWORD });
  const { recoveryCodes } = await confirmMfaEnrolment(actor, { code: oathtool(started.secret) });
  return { secret: started.secret, recoveryCodes, started };
}

const signIn = (email: string, ip = freshAddress()) => signInWithPassword({ email, password: PASSWORD, ip, userAgent: 'vitest' });

async function ticketFor(email: string, ip = freshAddress()) {
  const result = await signIn(email, ip);
  if (result.ok !== 'mfa') throw new Error(`expected a second step, got ${JSON.stringify(result)}`);
  return result.ticket;
}

const second = (ticket: string, code: string, now?: Date) => completeMfaSignIn({ ticket, code, ip: freshAddress(), userAgent: 'vitest' }, SIGN_IN_LIMITS, now);

describe('MFA enrolment', () => {
  it('needs the password, shows a secret as QR code and text, and turns on with a first code from oathtool', async () => {
    const { user, actor, sessionId } = await person();
    await expect(beginMfaEnrolment(actor, { password: 'wrong password' })).rejects.toThrow(ValidationError);
    expect(await prisma.userMfa.count({ where: { userId: user.id } })).toBe(0);

    const started = await beginMfaEnrolment(actor, { password: PASSWORD });
    expect(started.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.uri).toBe(`otpauth://totp/Portcullis:${encodeURIComponent(user.email)}?issuer=Portcullis&secret=${started.secret}&algorithm=SHA1&digits=6&period=30`);
    expect(started.qrCode).toMatch(/^data:image\/png;base64,/);
    // Stored sealed, and pending until a code confirms it.
    const stored = await prisma.userMfa.findUniqueOrThrow({ where: { userId: user.id }, omit: { pendingSecret: false, totpSecret: false } });
    expect(stored).toMatchObject({ enabledAt: null, totpSecret: null });
    expect(stored.pendingSecret).toMatch(/^v1\./);
    expect(stored.pendingSecret).not.toContain(started.secret);
    expect((await mfaStatus(actor)).enrolled).toBe(false);

    const wrong = String((Number(oathtool(started.secret)) + 1) % 1_000_000).padStart(6, '0');
    await expect(confirmMfaEnrolment(actor, { code: wrong })).rejects.toThrow('That code is not right');
    const { recoveryCodes } = await confirmMfaEnrolment(actor, { code: oathtool(started.secret) });
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(new Set(recoveryCodes).size).toBe(10);
    const codes = await prisma.mfaRecoveryCode.findMany({ where: { userId: user.id } });
    expect(codes).toHaveLength(10);
    for (const row of codes) expect(recoveryCodes.some((code) => row.codeHash.includes(code.replace('-', '')))).toBe(false);

    expect(await mfaStatus(actor)).toMatchObject({ enrolled: true, recoveryCodesLeft: 10 });
    // The enrolling session counts as having passed MFA; every session of the person now reports MFA.
    expect(await prisma.session.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({ mfaMethod: 'totp' });
    expect(await loadSession(prisma, sessionId)).toMatchObject({ mfaEnrolled: true, mfaMethod: 'totp' });
    await expect(beginMfaEnrolment(actor, { password: PASSWORD })).rejects.toThrow(ConflictError);

    const events = await prisma.auditEvent.findMany({ where: { targetId: user.id, action: { startsWith: 'mfa.' } }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['mfa.enrollment_start', 'mfa.enroll']);
    // Neither the secret nor a recovery code reaches the audit log.
    const all = JSON.stringify(await prisma.auditEvent.findMany({ where: { actorId: user.id } }), (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(all).not.toContain(started.secret);
    for (const code of recoveryCodes) expect(all).not.toContain(code);
  });

  it('a restarted enrolment cannot be confirmed with the first secret', async () => {
    const { actor } = await person();
    const first = await beginMfaEnrolment(actor, { password: PASSWORD });
    const secondStart = await beginMfaEnrolment(actor, { password: PASSWORD });
    await expect(confirmMfaEnrolment(actor, { code: oathtool(first.secret) })).rejects.toThrow(ValidationError);
    await expect(confirmMfaEnrolment(actor, { code: oathtool(secondStart.secret) })).resolves.toMatchObject({ recoveryCodes: expect.any(Array) });
  });
});

describe('password sign-in with MFA', () => {
  it('starts no session after the password; the ticket and a TOTP code do, and the same code never works twice', async () => {
    const { user, actor } = await person();
    const { secret } = await enrol(actor);
    const sessionsBefore = await prisma.session.count({ where: { userId: user.id } });
    const ticket = await ticketFor(user.email);
    expect(ticket).toMatch(/^pcf_/);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(sessionsBefore);
    expect(await prisma.mfaTicket.count({ where: { userId: user.id, secretHash: { contains: ticket } } })).toBe(0);

    // The enrolment used the current step; the next step's code is accepted (one step of drift).
    const code = oathtool(secret, Date.now() + 30_000);
    const result = await second(ticket, code);
    expect(result).toEqual({ ok: true, userId: user.id, sessionId: expect.any(String), factor: 'totp' });
    if (result.ok !== true) return;
    expect(await prisma.session.findUniqueOrThrow({ where: { id: result.sessionId } })).toMatchObject({ authMethod: 'password', mfaMethod: 'totp', endedAt: null });
    const signInEvent = await prisma.auditEvent.findFirstOrThrow({ where: { actorId: user.id, action: 'auth.sign_in' }, orderBy: { id: 'desc' } });
    expect(signInEvent.metadata).toEqual({ method: 'password', mfa: 'totp' });

    // The ticket is single use, and the code is spent even with a fresh ticket.
    expect(await second(ticket, code)).toEqual({ ok: false, reason: 'expired' });
    const again = await ticketFor(user.email);
    expect(await second(again, code)).toMatchObject({ ok: false, reason: 'invalid_code' });
    expect(await prisma.auditEvent.count({ where: { actorId: user.id, action: 'mfa.failed' } })).toBe(1);
  });

  it('a ticket expires, allows a few codes, and is refused for anyone after that', async () => {
    const { user, actor } = await person();
    const { secret } = await enrol(actor);
    const ticket = await ticketFor(user.email);
    const later = new Date(Date.now() + (MFA_TICKET_MINUTES * 60 + 1) * 1000);
    expect(await second(ticket, oathtool(secret, later.getTime()), later)).toEqual({ ok: false, reason: 'expired' });

    const limited = await ticketFor(user.email);
    for (let i = 1; i < MFA_TICKET_ATTEMPTS; i++) {
      expect(await second(limited, '000000')).toEqual({ ok: false, reason: 'invalid_code', attemptsLeft: MFA_TICKET_ATTEMPTS - i });
    }
    expect(await second(limited, '000000')).toEqual({ ok: false, reason: 'expired' });
    // Even the right code no longer helps: sign in again.
    expect(await second(limited, oathtool(secret, Date.now() + 30_000))).toEqual({ ok: false, reason: 'expired' });
    expect(await second('pcf_not-a-ticket', '123456')).toEqual({ ok: false, reason: 'expired' });
  });

  it('recovery codes sign in once each; new ones replace the old', async () => {
    const { user, actor } = await person();
    const { recoveryCodes } = await enrol(actor);
    const [first, secondCode] = recoveryCodes;
    const result = await second(await ticketFor(user.email), first!.toUpperCase().replace('-', ' '));
    expect(result).toMatchObject({ ok: true, factor: 'recovery_code' });
    expect(await second(await ticketFor(user.email), first!)).toMatchObject({ ok: false, reason: 'invalid_code' });
    const used = await prisma.auditEvent.findFirstOrThrow({ where: { actorId: user.id, action: 'mfa.recovery_code_used' } });
    expect(used.metadata).toEqual({ recoveryCodesLeft: 9 });
    expect((await mfaStatus(actor)).recoveryCodesLeft).toBe(9);

    await expect(regenerateRecoveryCodes(actor, { password: 'wrong password' })).rejects.toThrow(ValidationError);
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(actor, { password: PASSWORD });
    expect(fresh).toHaveLength(10);
    expect(await second(await ticketFor(user.email), secondCode!)).toMatchObject({ ok: false, reason: 'invalid_code' });
    expect(await second(await ticketFor(user.email), fresh[0]!)).toMatchObject({ ok: true, factor: 'recovery_code' });
    expect(await prisma.auditEvent.count({ where: { targetId: user.id, action: 'mfa.recovery_codes_regenerate' } })).toBe(1);
  });
});

describe('who must have MFA', () => {
  it('staff power needs MFA on a password session, not on an SSO session, and never from the CLI', async () => {
    const { user, actor } = await person('staff-admin');
    const org = await createOrg();
    expect(() => assertStaffPermission(actor, 'customers.view')).toThrow(MfaRequiredError);
    await expect(authorizeOrg(prisma, actor, { id: org.id }, { staff: 'customers.view' })).rejects.toThrow(MfaRequiredError);
    await expect(authorizeOrg(prisma, actor, { id: org.id }, { org: 'org.view', staff: 'customers.view' })).rejects.toThrow(MfaRequiredError);
    for (const authMethod of ['saml', 'oidc']) {
      const sso = { ...actor, session: { authMethod, mfaEnrolled: false } };
      expect(satisfiesStaffMfa(sso.session)).toBe(true);
      expect(() => assertStaffPermission(sso, 'customers.view')).not.toThrow();
    }
    const cli: Actor = { kind: 'cli', userId: null, label: 'cli:test', staffRole: 'staff-admin' };
    expect(() => assertStaffPermission(cli, 'customers.view')).not.toThrow();

    await enrolMfa(user.id);
    const session = await loadSession(prisma, actor.sessionId!);
    expect(session?.mfaEnrolled).toBe(true);
    const enrolled = { ...actor, session: { authMethod: 'password', mfaEnrolled: true } };
    expect(() => assertStaffPermission(enrolled, 'customers.view')).not.toThrow();
    await expect(authorizeOrg(prisma, enrolled, { id: org.id }, { staff: 'customers.view' })).resolves.toMatchObject({ viaStaff: true });
  });

  it("an owner requires MFA of the org's password members; members without it are refused until they enrol", async () => {
    const org = await createOrg();
    const owner = await createMember(org.id, 'owner');
    const admin = await createMember(org.id, 'admin');
    const viewer = await createMember(org.id, 'viewer');
    const browser = (actor: Actor, authMethod = 'password', mfaEnrolled = false): Actor => ({ ...actor, sessionId: 'x', session: { authMethod, mfaEnrolled } });

    await expect(setOrgMfaRequirement(browser(admin.actor), { orgId: org.id, mfaRequired: 'true' })).rejects.toThrow(ForbiddenError);
    await expect(setOrgMfaRequirement(browser(owner.actor), { orgId: org.id, mfaRequired: 'true' })).rejects.toThrow('Set up two-factor authentication on your own account first');
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).mfaRequired).toBe(false);

    await enrolMfa(owner.user.id);
    expect(await setOrgMfaRequirement(browser(owner.actor, 'password', true), { orgId: org.id, mfaRequired: 'true' })).toEqual({ mfaRequired: true, changed: true });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'org.mfa_requirement_update' } });
    expect(event).toMatchObject({ before: { mfaRequired: false }, after: { mfaRequired: true } });

    await expect(authorizeOrg(prisma, browser(viewer.actor), { id: org.id }, { org: 'org.view' })).rejects.toThrow(MfaRequiredError);
    await expect(authorizeOrg(prisma, browser(viewer.actor, 'saml'), { id: org.id }, { org: 'org.view' })).resolves.toMatchObject({ role: 'viewer' });
    await expect(authorizeOrg(prisma, browser(viewer.actor, 'password', true), { id: org.id }, { org: 'org.view' })).resolves.toMatchObject({ role: 'viewer' });
    // A member of an org that requires MFA cannot turn theirs off.
    const { secret } = await enrolMfa(viewer.user.id);
    await prisma.user.update({ where: { id: viewer.user.id }, data: { passwordHash } });
    await expect(disableMfa(viewer.actor, { password: PASSWORD, code: oathtool(secret) })).rejects.toThrow(`${org.name} requires two-factor authentication`);

    expect(await setOrgMfaRequirement(browser(owner.actor, 'password', true), { orgId: org.id })).toEqual({ mfaRequired: false, changed: true });
    await expect(authorizeOrg(prisma, browser(admin.actor), { id: org.id }, { org: 'org.view' })).resolves.toMatchObject({ role: 'admin' });
  });

  it('a person turns their own MFA off with password and code; staff cannot', async () => {
    const { user, actor } = await person();
    const { secret } = await enrol(actor);
    await expect(disableMfa(actor, { password: PASSWORD, code: '000000' })).rejects.toThrow('That code is not right');
    await expect(disableMfa(actor, { password: 'wrong password', code: oathtool(secret, Date.now() + 30_000) })).rejects.toThrow(ValidationError);
    await disableMfa(actor, { password: PASSWORD, code: oathtool(secret, Date.now() + 30_000) });
    expect(await prisma.userMfa.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.mfaRecoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { targetId: user.id, action: 'mfa.disable' } })).toBe(1);
    expect(await signIn(user.email)).toMatchObject({ ok: true });

    const staff = await person('staff-support');
    const staffSecret = (await enrolMfa(staff.user.id)).secret;
    await expect(disableMfa(staff.actor, { password: PASSWORD, code: oathtool(staffSecret) })).rejects.toThrow('Vendor staff must keep two-factor authentication');
  });
});

describe('reset by a staff-admin', () => {
  it("removes the second factor, ends every session of that person and is audited; support staff and oneself cannot", async () => {
    const { user, actor, sessionId } = await person();
    const { recoveryCodes } = await enrol(actor);
    const pending = await ticketFor(user.email);
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');

    await expect(resetMfa(support.actor, { email: user.email })).rejects.toThrow(ForbiddenError);
    await expect(resetMfa(admin.actor, { email: admin.user.email })).rejects.toThrow(ConflictError);
    await expect(resetMfa(admin.actor, { email: 'nobody-here@example.test' })).rejects.toThrow('No account with the email');
    expect(await resetMfa(admin.actor, { email: user.email.toUpperCase() })).toEqual({ email: user.email, sessionsEnded: 1 });

    expect(await prisma.userMfa.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.session.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({ endedReason: 'mfa_reset', endedAt: expect.any(Date) });
    expect(await loadSession(prisma, sessionId)).toBeNull();
    expect(await second(pending, recoveryCodes[0]!)).toEqual({ ok: false, reason: 'expired' });
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { targetId: user.id, action: 'mfa.reset' } })).toMatchObject({ actorId: admin.user.id, after: { email: user.email } });
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { targetId: user.id, action: 'auth.session_end' }, orderBy: { id: 'desc' } })).toMatchObject({ metadata: { reason: 'mfa_reset', sessionIds: [sessionId] } });
    await expect(resetMfa(admin.actor, { email: user.email })).rejects.toThrow('has no two-factor authentication to reset');
    // Back to a password sign-in (staff would now be sent to enrolment).
    expect(await signIn(user.email)).toMatchObject({ ok: true });
  });

  it('portcullis users reset-mfa EMAIL does the same from the CLI', async () => {
    const { user, actor } = await person('staff-support');
    await enrol(actor);
    expect(await runCli(['users', 'reset-mfa', user.email])).toMatchObject({ code: 0, stdout: `Reset two-factor authentication of ${user.email}; 1 session ended\n` });
    expect(await prisma.userMfa.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { targetId: user.id, action: 'mfa.reset' } })).toMatchObject({ actorType: 'cli' });
    expect(await runCli(['users', 'reset-mfa', user.email])).toMatchObject({ code: 1, stderr: `portcullis: ${user.email} has no two-factor authentication to reset.\n` });
    expect(await runCli(['users', 'reset-mfa', 'not-an-email'])).toMatchObject({ code: 1 });
  });
});
