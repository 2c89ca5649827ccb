import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '@/lib/identity/audit/verify';
import type { Actor } from '@/lib/identity/auth/actor';
import { hashPassword } from '@/lib/identity/auth/password';
import { loadSession, startSession } from '@/lib/identity/auth/sessions';
import { signInWithPassword } from '@/lib/identity/auth/sign-in';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '@/lib/platform/errors';
import { setMailTransport } from '@/lib/platform/mail/send';
import { smtpTransport } from '@/lib/platform/mail/smtp';
import { createInvitation } from '@/lib/identity/members/invitations';
import { deactivateCustomerUser, reactivateCustomerUser } from '@/lib/identity/staff/customer-users';
import { createMember, createOrg, createStaff, createUser, uniqueSlug } from '@/dev/testing/factories';
import { startMailSink, type MailSink } from '@/dev/testing/mail-sink';
import { deleteOwnAccount } from './delete-account';
import { confirmEmailChange, requestEmailChange } from './email-change';
import { exportOwnData } from './export';

// Mail goes through the real SMTP transport to a real SMTP server started here.
let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
beforeEach(() => {
  setMailTransport(smtpTransport(sink.url));
});
afterAll(async () => {
  setMailTransport(undefined);
  await sink.close();
});

const PASSWORD = 'my account passphrase';
const address = (prefix = 'person') => `${uniqueSlug(prefix)}@example.test`;
const ip = () => `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::9`;

/** A member with a password and a signed-in session, acting through it. */
async function person(orgId?: string, role = 'viewer') {
  const org = orgId ?? (await createOrg()).id;
  const member = await createMember(org, role);
  await prisma.user.update({ where: { id: member.user.id }, data: { passwordHash: await hashPassword(PASSWORD) } });
  const actor: Actor = { ...member.actor, ip: ip(), userAgent: 'vitest' };
  const session = await prisma.$transaction((tx) => startSession(tx, actor, { authMethod: 'password' }));
  return { ...member, orgId: org, actor: { ...actor, sessionId: session.id }, sessionId: session.id };
}

async function codeMailedTo(to: string): Promise<string> {
  const mail = await sink.waitFor((m) => m.to.includes(to) && m.subject === 'Confirm your new Portcullis email address');
  return /^\s+(\d{8})$/m.exec(mail.text)![1]!;
}

describe('changing one\'s email address', () => {
  it('needs the password, mails a code to the new address only, changes it when the code comes back, and tells the old address', async () => {
    const me = await person();
    const old = me.user.email;
    const next = address('moved');
    await expect(requestEmailChange(me.actor, { newEmail: next, password: 'not my password' })).rejects.toMatchObject({ fieldErrors: { password: ['That is not your current password.'] } });
    const sent = await requestEmailChange(me.actor, { newEmail: `  ${next.toUpperCase()} `, password: PASSWORD });
    expect(sent).toMatchObject({ newEmail: next, mailed: true });
    const code = await codeMailedTo(next);
    expect(sink.messages.filter((m) => m.to.includes(old))).toHaveLength(0);
    // Nothing changed yet; a wrong code changes nothing either.
    expect((await prisma.user.findUniqueOrThrow({ where: { id: me.user.id } })).email).toBe(old);
    const wrong = String((Number(code) + 1) % 1e8).padStart(8, '0');
    await expect(confirmEmailChange(me.actor, { newEmail: next, code: wrong })).rejects.toMatchObject({ fieldErrors: { code: ['That code is not right. 4 tries left.'] } });
    // The code is bound to the address it was mailed to.
    await expect(confirmEmailChange(me.actor, { newEmail: address('other'), code })).rejects.toBeInstanceOf(ValidationError);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: me.user.id } })).email).toBe(old);

    expect(await confirmEmailChange(me.actor, { newEmail: next, code })).toEqual({ email: next });
    expect((await prisma.user.findUniqueOrThrow({ where: { id: me.user.id } })).email).toBe(next);
    const notice = await sink.waitFor((m) => m.to.includes(old) && m.subject === 'Your Portcullis email address was changed');
    expect(notice.text).toContain(next);
    // Single use.
    await expect(confirmEmailChange({ ...me.actor, label: next }, { newEmail: address('again'), code })).rejects.toBeInstanceOf(ValidationError);
    // The new address signs in, the old one no longer does.
    expect(await signInWithPassword({ email: next, password: PASSWORD, ip: ip(), userAgent: 'vitest' })).toMatchObject({ ok: true });
    expect(await signInWithPassword({ email: old, password: PASSWORD, ip: ip(), userAgent: 'vitest' })).toMatchObject({ ok: false });

    const events = await prisma.auditEvent.findMany({ where: { targetId: me.user.id, action: { startsWith: 'account.email_change' } }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['account.email_change_request', 'account.email_change']);
    expect(events[1]).toMatchObject({ actorId: me.user.id, before: { email: old }, after: { email: next } });
    expect(JSON.stringify(events.map((e) => ({ ...e, id: String(e.id) })))).not.toContain(code);
  });

  it('refuses an address already in use, with a clear message, and mails nothing', async () => {
    const me = await person();
    const taken = await createUser();
    const before = sink.messages.length;
    await expect(requestEmailChange(me.actor, { newEmail: taken.email, password: PASSWORD })).rejects.toThrow(
      `${taken.email} is already used by another Portcullis account. Choose another address.`,
    );
    await expect(requestEmailChange(me.actor, { newEmail: me.user.email, password: PASSWORD })).rejects.toThrow('That is already your address.');
    await expect(requestEmailChange(me.actor, { newEmail: 'not an address', password: PASSWORD })).rejects.toThrow();
    expect(sink.messages.length).toBe(before);

    // Taken between the code and its use: still refused, nothing changes.
    const next = address('race');
    await requestEmailChange(me.actor, { newEmail: next, password: PASSWORD });
    const code = await codeMailedTo(next);
    await createUser({ email: next });
    await expect(confirmEmailChange(me.actor, { newEmail: next, code })).rejects.toBeInstanceOf(ConflictError);
    expect((await prisma.user.findUniqueOrThrow({ where: { id: me.user.id } })).email).toBe(me.user.email);
  });

  it('is not for SSO-only accounts: their identity provider owns the address', async () => {
    const org = await createOrg();
    const sso = await createMember(org.id, 'viewer');
    await expect(requestEmailChange(sso.actor, { newEmail: address(), password: 'anything at all' })).rejects.toThrow(/identity provider owns your email address/);
    await expect(requestEmailChange({ ...sso.actor, userId: null }, { newEmail: address(), password: 'x' })).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('deleting one\'s own account', () => {
  it('is refused while the person is some org\'s last owner, naming the org(s); nothing changes', async () => {
    const me = await person(undefined, 'owner');
    const [a, b] = [await prisma.organization.findUniqueOrThrow({ where: { id: me.orgId } }), await createOrg({ name: `Second ${uniqueSlug('o')}` })];
    await prisma.membership.create({ data: { userId: me.user.id, orgId: b.id, role: 'owner' } });
    await expect(deleteOwnAccount(me.actor, { password: PASSWORD })).rejects.toThrow(`You are the last owner of ${a.name}, ${b.name}.`);
    // With a co-owner in one, only the other is named.
    await createMember(a.id, 'owner');
    const refused = deleteOwnAccount(me.actor, { password: PASSWORD });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toThrow(`You are the last owner of ${b.name}. Make someone else an owner of it first`);
    expect(await prisma.user.findUnique({ where: { id: me.user.id } })).not.toBeNull();
    expect(await loadSession(prisma, me.sessionId)).not.toBeNull();
    // A wrong password is refused before anything is looked at.
    await expect(deleteOwnAccount(me.actor, { password: 'wrong one' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('ends the sessions, removes the memberships and the user, and keeps the audit history and its hash chain', async () => {
    const org = await createOrg();
    await createMember(org.id, 'owner');
    const me = await person(org.id, 'owner');
    const team = await prisma.team.create({ data: { orgId: org.id, name: 'Ops' } });
    await prisma.teamMember.create({ data: { teamId: team.id, membershipId: me.membership.id } });
    const invitation = await createInvitation(me.actor, { orgId: org.id, email: address('invited'), role: 'viewer' });
    const second = await prisma.$transaction((tx) => startSession(tx, me.actor, { authMethod: 'password' }));
    const earlier = await prisma.auditEvent.findMany({ where: { actorId: me.user.id }, orderBy: { id: 'asc' } });
    expect(earlier.length).toBeGreaterThan(2);

    const result = await deleteOwnAccount(me.actor, { password: PASSWORD });
    expect(result).toEqual({ email: me.user.email, organizationsLeft: [org.name] });
    expect(await prisma.user.findUnique({ where: { id: me.user.id } })).toBeNull();
    expect(await prisma.membership.count({ where: { userId: me.user.id } })).toBe(0);
    expect(await prisma.teamMember.count({ where: { teamId: team.id } })).toBe(0);
    expect(await prisma.session.count({ where: { userId: me.user.id } })).toBe(0);
    for (const id of [me.sessionId, second.id]) expect(await loadSession(prisma, id)).toBeNull();
    // The invitation they sent stays, without its sender.
    expect(await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.invitation.id } })).toMatchObject({ invitedById: null });

    // Every earlier event is still there, unchanged; the new ones name the person by id and email.
    const after = await prisma.auditEvent.findMany({ where: { actorId: me.user.id }, orderBy: { id: 'asc' } });
    expect(after.slice(0, earlier.length)).toEqual(earlier);
    expect(after.slice(earlier.length).map((e) => e.action)).toEqual(['auth.session_end', 'member.leave', 'account.delete']);
    expect(after.at(-1)).toMatchObject({ actorLabel: me.user.email, targetId: me.user.id, before: { email: me.user.email } });
    expect(after.find((e) => e.action === 'member.leave')).toMatchObject({ orgId: org.id, metadata: { reason: 'account_deleted' } });
    const chain = await verifyAuditChain();
    expect(chain.break).toBeNull();
    expect(chain.ok).toBe(true);

    // The address is free again; the deleted session is signed out.
    await expect(deleteOwnAccount(me.actor, { password: PASSWORD })).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('asks SSO-only people to type their address instead of a password; staff accounts are not deleted here', async () => {
    const org = await createOrg();
    const sso = await createMember(org.id, 'viewer');
    await expect(deleteOwnAccount(sso.actor, { email: 'someone@else.test' })).rejects.toMatchObject({ fieldErrors: { email: [`Type your email address, ${sso.user.email}, to confirm.`] } });
    await deleteOwnAccount(sso.actor, { email: sso.user.email.toUpperCase() });
    expect(await prisma.user.findUnique({ where: { id: sso.user.id } })).toBeNull();
    const staff = await createStaff('staff-support');
    await expect(deleteOwnAccount(staff.actor, { email: staff.user.email })).rejects.toThrow(/Staff accounts are not deleted here/);
  });
});

describe('downloading one\'s own data', () => {
  it('holds the profile, memberships, sessions and own audit events; no secrets, nobody else\'s data', async () => {
    const org = await createOrg({ name: `Export ${uniqueSlug('o')}` });
    const colleague = await person(org.id, 'owner');
    const me = await person(org.id, 'admin');
    const invitee = address('invitee');
    await createInvitation(me.actor, { orgId: org.id, email: invitee, role: 'viewer' });
    await requestEmailChange(me.actor, { newEmail: address('pending'), password: PASSWORD });
    const code = await codeMailedTo((await prisma.mailboxProof.findFirstOrThrow({ where: { subjectId: me.user.id } })).email);
    const secrets = await prisma.user.findUniqueOrThrow({ where: { id: me.user.id }, omit: { passwordHash: false } });

    const data = await exportOwnData(me.actor);
    const text = JSON.stringify(data);
    expect(data.profile).toMatchObject({ id: me.user.id, email: me.user.email, hasPassword: true });
    expect(data.memberships).toEqual([expect.objectContaining({ organization: org.name, slug: org.slug, role: 'Admin' })]);
    expect(data.sessions).toEqual([expect.objectContaining({ method: 'password', ip: me.actor.ip, endedAt: null })]);
    expect(data.auditEvents.map((e) => e.action)).toEqual(expect.arrayContaining(['auth.session_start', 'member.invite', 'account.email_change_request']));
    // Secrets: no password hash, no session or proof ids, no mailed code.
    for (const secret of [secrets.passwordHash!, me.sessionId, code, ...(await prisma.mailboxProof.findMany({ where: { subjectId: me.user.id } })).flatMap((p) => [p.id, p.secretHash])]) {
      expect(text).not.toContain(secret);
    }
    // Other people: the colleague (same org) and the invited address appear nowhere.
    for (const other of [colleague.user.email, colleague.user.id, colleague.sessionId, invitee]) expect(text).not.toContain(other);
    // The download is audited.
    expect(await prisma.auditEvent.count({ where: { actorId: me.user.id, action: 'account.data_export' } })).toBe(1);
    await expect(exportOwnData({ ...me.actor, userId: null })).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('staff deactivate and reactivate a customer\'s person', () => {
  it('ends their sessions and refuses their sign-in until reactivated; audited in the customer\'s log', async () => {
    const admin = await createStaff('staff-admin');
    const me = await person(undefined, 'owner');
    const result = await deactivateCustomerUser(admin.actor, { orgId: me.orgId, userId: me.user.id });
    expect(result).toEqual({ email: me.user.email, sessionsEnded: 1 });
    expect(await loadSession(prisma, me.sessionId)).toBeNull();
    expect(await signInWithPassword({ email: me.user.email, password: PASSWORD, ip: ip(), userAgent: 'vitest' })).toMatchObject({ ok: false });
    await expect(deactivateCustomerUser(admin.actor, { orgId: me.orgId, userId: me.user.id })).rejects.toThrow('is already deactivated');
    await reactivateCustomerUser(admin.actor, { orgId: me.orgId, userId: me.user.id });
    expect(await signInWithPassword({ email: me.user.email, password: PASSWORD, ip: ip(), userAgent: 'vitest' })).toMatchObject({ ok: true });
    const events = await prisma.auditEvent.findMany({ where: { orgId: me.orgId, action: { in: ['user.deactivate', 'user.reactivate'] } }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.action, e.actorLabel])).toEqual([
      ['user.deactivate', admin.user.email],
      ['user.reactivate', admin.user.email],
    ]);
  });

  it('needs customers.deactivate, a member of that customer, and a customer (not staff) account', async () => {
    const support = await createStaff('staff-support');
    const admin = await createStaff('staff-admin');
    const me = await person();
    const elsewhere = await person();
    const owner = await createMember(me.orgId, 'owner');
    await expect(deactivateCustomerUser(support.actor, { orgId: me.orgId, userId: me.user.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deactivateCustomerUser(owner.actor, { orgId: me.orgId, userId: me.user.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deactivateCustomerUser(admin.actor, { orgId: me.orgId, userId: elsewhere.user.id })).rejects.toBeInstanceOf(NotFoundError);
    const colleague = await createStaff('staff-billing');
    await prisma.membership.create({ data: { userId: colleague.user.id, orgId: me.orgId, role: 'viewer' } });
    await expect(deactivateCustomerUser(admin.actor, { orgId: me.orgId, userId: colleague.user.id })).rejects.toThrow('is vendor staff');
    expect(await prisma.user.count({ where: { id: { in: [me.user.id, elsewhere.user.id, colleague.user.id] }, disabledAt: { not: null } } })).toBe(0);
  });
});
