import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '@/lib/identity/auth/password';
import { startSession } from '@/lib/identity/auth/sessions';
import { signInWithPassword } from '@/lib/identity/auth/sign-in';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { setMailTransport } from '@/lib/platform/mail/send';
import { smtpTransport } from '@/lib/platform/mail/smtp';
import { getChecklist } from '@/lib/identity/onboarding/checklist';
import { createMember, createOrg, createStaff, createUser, uniqueSlug, userActor } from '@/dev/testing/factories';
import { startMailSink, type MailSink } from '@/dev/testing/mail-sink';
import { acceptInvitation, acceptInvitationAsNewUser, createInvitation, listInvitationHistory, resendInvitation, revokeInvitation, sendInvitationCode } from './invitations';

// The first owner from the admin side: staff use the portal's invitation service, through the staff gate.
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

const address = () => `${uniqueSlug('owner')}@example.test`;
const client = () => ({ ip: `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::7`, userAgent: 'vitest' });
const ownerItem = async (orgId: string, actor: Parameters<typeof getChecklist>[0]) => (await getChecklist(actor, orgId)).find((item) => item.key === 'owner_signed_in')!;

describe('inviting a customer\'s first owner from the admin side', () => {
  it('staff with customers.update invite, list every status, resend and cancel; all audited as the staff member', async () => {
    const support = await createStaff('staff-support');
    const org = await createOrg({ tier: 'enterprise' });
    const first = address();
    const invited = await createInvitation(support.actor, { orgId: org.id, email: first, role: 'owner' });
    expect(invited).toMatchObject({ mailed: true, invitation: { email: first, roleLabel: 'Owner', status: 'pending', invitedBy: support.user.name } });
    const mail = await sink.waitFor((m) => m.to.includes(first));
    expect(mail.text).toContain(invited.link);
    expect(mail.text).toContain(`as Owner`);

    // Resend: a new link, the old one stops working.
    const resent = await resendInvitation(support.actor, { orgId: org.id, invitationId: invited.invitation.id });
    expect(resent.link).not.toBe(invited.link);
    const owner = await createUser({ email: first });
    await expect(acceptInvitation({ ...userActor(owner), sessionId: null }, { token: invited.link.split('/invite/')[1]! })).rejects.toThrow('not valid');

    // A second invitation, cancelled; a third, expired; the first accepted.
    const second = await createInvitation(support.actor, { orgId: org.id, email: address(), role: 'admin' });
    await revokeInvitation(support.actor, { orgId: org.id, invitationId: second.invitation.id });
    const third = await createInvitation(support.actor, { orgId: org.id, email: address(), role: 'viewer' });
    await prisma.invitation.update({ where: { id: third.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await acceptInvitation(userActor(owner), { token: resent.link.split('/invite/')[1]! });

    const history = await listInvitationHistory(support.actor, org.id);
    expect(history.map((row) => [row.email, row.status])).toEqual([
      [third.invitation.email, 'expired'],
      [second.invitation.email, 'revoked'],
      [first, 'accepted'],
    ]);
    const events = await prisma.auditEvent.findMany({ where: { orgId: org.id, actorId: support.user.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['member.invite', 'member.invitation_resend', 'member.invite', 'member.invitation_revoke', 'member.invite']);
    expect(events.every((e) => e.actorType === 'staff' && e.actorLabel === support.user.email)).toBe(true);
  });

  it('is refused to staff without customers.update, and to another customer\'s owner as not found', async () => {
    const billing = await createStaff('staff-billing');
    const org = await createOrg();
    const stranger = await createMember((await createOrg()).id, 'owner');
    await expect(createInvitation(billing.actor, { orgId: org.id, email: address(), role: 'owner' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createInvitation(stranger.actor, { orgId: org.id, email: address(), role: 'owner' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listInvitationHistory(stranger.actor, org.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await prisma.invitation.count({ where: { orgId: org.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
  });
});

describe('the "owner signed in" checklist item', () => {
  it('ticks itself at an owner\'s first password sign-in, once, audited; a viewer\'s sign-in does not', async () => {
    const support = await createStaff('staff-support');
    const org = await createOrg();
    const viewer = await createMember(org.id, 'viewer');
    const owner = await createMember(org.id, 'owner');
    const password = 'a sign-in passphrase here';
    await prisma.user.updateMany({ where: { id: { in: [viewer.user.id, owner.user.id] } }, data: { passwordHash: await hashPassword(password) } });

    expect(await signInWithPassword({ email: viewer.user.email, password, ...client() })).toMatchObject({ ok: true });
    expect((await ownerItem(org.id, support.actor)).doneAt).toBeNull();
    expect(await signInWithPassword({ email: owner.user.email, password, ...client() })).toMatchObject({ ok: true });
    expect(await ownerItem(org.id, support.actor)).toMatchObject({ doneAt: expect.any(Date), doneBy: owner.user.email, label: 'Owner signed in' });
    expect(await signInWithPassword({ email: owner.user.email, password, ...client() })).toMatchObject({ ok: true });
    const ticks = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: 'onboarding.tick' } });
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toMatchObject({ actorId: owner.user.id, after: { key: 'owner_signed_in', done: true, automatic: false } });
  });

  it('ticks at an SSO sign-in too (both start their session in startSession), for every org the user owns', async () => {
    const staff = await createStaff('staff-support');
    const [a, b] = [await createOrg(), await createOrg()];
    const owner = await createMember(a.id, 'owner');
    await prisma.membership.create({ data: { userId: owner.user.id, orgId: b.id, role: 'owner' } });
    await prisma.$transaction((tx) => startSession(tx, owner.actor, { authMethod: 'saml' }));
    for (const org of [a, b]) expect((await ownerItem(org.id, staff.actor)).doneBy).toBe(owner.user.email);
  });

  it('ticks when the invited owner joins: a newcomer at the sign-in after creating their account, a signed-in user on accepting', async () => {
    const support = await createStaff('staff-support');
    const org = await createOrg();
    const newcomer = address();
    const invited = await createInvitation(support.actor, { orgId: org.id, email: newcomer, role: 'owner' });
    const token = invited.link.split('/invite/')[1]!;
    const request = client();
    await sendInvitationCode({ token }, request);
    const code = /^\s+(\d{8})$/m.exec((await sink.waitFor((m) => m.to.includes(newcomer) && /Your code/.test(m.subject))).text)![1]!;
    await acceptInvitationAsNewUser({ token, code, name: 'First Owner', password: 'a long enough password' }, request);
    expect((await ownerItem(org.id, support.actor)).doneAt).toBeNull();
    expect(await signInWithPassword({ email: newcomer, password: 'a long enough password', ...request })).toMatchObject({ ok: true });
    expect((await ownerItem(org.id, support.actor)).doneBy).toBe(newcomer);

    const other = await createOrg();
    const existing = await createUser();
    const second = await createInvitation(support.actor, { orgId: other.id, email: existing.email, role: 'owner' });
    await acceptInvitation({ ...userActor(existing), sessionId: 'a-live-session' }, { token: second.link.split('/invite/')[1]! });
    expect((await ownerItem(other.id, support.actor)).doneBy).toBe(existing.email);
  });
});
