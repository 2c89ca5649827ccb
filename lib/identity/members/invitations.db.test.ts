import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROOF_MAX_ATTEMPTS, PROOF_SEND_LIMITS } from '@/lib/identity/auth/mailbox-proof';
import { verifyPassword } from '@/lib/identity/auth/password';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from '@/lib/platform/errors';
import { setMailTransport } from '@/lib/platform/mail/send';
import { smtpTransport } from '@/lib/platform/mail/smtp';
import { createMember, createOrg, createUser, uniqueSlug, userActor } from '@/dev/testing/factories';
import { startMailSink, type MailSink } from '@/dev/testing/mail-sink';
import {
  acceptInvitation,
  acceptInvitationAsNewUser,
  createInvitation,
  listInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
  sendInvitationCode,
} from './invitations';

// Mail goes through the real SMTP transport to a real SMTP server started here.
let sink: MailSink;
beforeAll(async () => {
  sink = await startMailSink();
});
beforeEach(() => {
  sink.messages.length = 0;
  setMailTransport(smtpTransport(sink.url));
});
afterAll(async () => {
  setMailTransport(undefined);
  await sink.close();
});

const tokenOf = (link: string) => link.split('/invite/')[1]!;
const email = () => `${uniqueSlug('invitee')}@example.test`;
/** A client address of this run only: send limits per client outlive a run on a reused database. */
const client = () => ({ ip: `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}::1`, userAgent: 'vitest' });

/** The codes mailed to `to`, oldest first, as the invitee reads them (SMTP has delivered before sendMail returns). */
function codesMailedTo(to: string): string[] {
  return sink.messages
    .filter((m) => m.to.includes(to) && /^Your code to join .* on Portcullis$/.test(m.subject))
    .map((m) => {
      expect(m.text).toMatch(/expires in 15 minutes/);
      return /^\s+(\d{8})$/m.exec(m.text)![1]!;
    });
}
const codeMailedTo = (to: string) => codesMailedTo(to).at(-1)!;

describe('invitations', () => {
  it('mails a single-use link, stores only its keyed hash, and audits', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const address = email();
    const result = await createInvitation(owner.actor, { orgId: org.id, email: `  ${address.toUpperCase()} `, role: 'editor' });
    expect(result.mailed).toBe(true);
    expect(result.invitation).toMatchObject({ email: address, roleLabel: 'Editor', status: 'pending' });
    const token = tokenOf(result.link);
    expect(token).toMatch(/^pci_[0-9A-Za-z]{43}$/);
    const received = await sink.waitFor((m) => m.to.includes(address));
    expect(received.subject).toBe(`You are invited to ${org.name} on Portcullis`);
    expect(received.text).toContain(result.link);

    const stored = await prisma.invitation.findUniqueOrThrow({ where: { id: result.invitation.id }, omit: { tokenHash: false } });
    expect(stored.tokenHash).toBe(keyedHash(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const events = await prisma.auditEvent.findMany({ where: { orgId: org.id } });
    expect(events.map((event) => event.action)).toEqual(['member.invite']);
    expect(JSON.stringify(events.map(({ before, after, metadata }) => ({ before, after, metadata })))).not.toContain(token);
  });

  it('lets an existing user accept once, with the invited role', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const user = await createUser({ email: email() });
    const { link } = await createInvitation(owner.actor, { orgId: org.id, email: user.email, role: 'viewer' });
    const token = tokenOf(link);
    expect(await previewInvitation(token)).toMatchObject({ status: 'pending', orgName: org.name, hasAccount: true, roleLabel: 'Viewer' });

    const joined = await acceptInvitation(userActor(user), { token });
    expect(joined.orgSlug).toBe(org.slug);
    const membership = await prisma.membership.findUniqueOrThrow({ where: { userId_orgId: { userId: user.id, orgId: org.id } } });
    expect(membership.role).toBe('viewer');
    await expect(acceptInvitation(userActor(user), { token })).rejects.toThrow(/already used/);
    expect(await previewInvitation(token)).toMatchObject({ status: 'accepted' });
    expect(await listInvitations(owner.actor, org.id)).toEqual([]);
    const join = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'member.join' } });
    expect(join.actorId).toBe(user.id);
  });

  it('creates the account of someone new only with the code mailed to the invited address', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const address = email();
    const { link } = await createInvitation(owner.actor, { orgId: org.id, email: address, role: 'editor' });
    const token = tokenOf(link);
    expect(await previewInvitation(token)).toMatchObject({ hasAccount: false });

    const sent = await sendInvitationCode({ token }, client());
    expect(sent).toMatchObject({ email: address, mailed: true });
    const code = codeMailedTo(address);
    expect(code).toMatch(/^\d{8}$/);
    // The code reaches only the mailbox: not the answer, not the database, not the audit log.
    expect(JSON.stringify(sent)).not.toContain(code);
    const proof = await prisma.mailboxProof.findFirstOrThrow({ where: { purpose: 'invitation', email: address } });
    expect(proof.secretHash).toBe(keyedHash(code));
    const codeSent = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'member.invitation_code_sent' } });
    expect(codeSent).toMatchObject({ actorId: null, actorLabel: address, targetId: proof.subjectId });
    expect(JSON.stringify({ ...codeSent, id: null })).not.toContain(code);

    await expect(acceptInvitationAsNewUser({ token, code, name: 'New Person', password: 'short' })).rejects.toThrow();
    // The password rule (lib/identity/auth/password-policy.ts) says why, and a refused password costs none of the code's tries.
    await expect(acceptInvitationAsNewUser({ token, code, name: 'New Person', password: 'password1234' })).rejects.toThrow(/too close to a commonly used password/);
    expect((await prisma.mailboxProof.findUniqueOrThrow({ where: { id: proof.id } })).attempts).toBe(0);
    const joined = await acceptInvitationAsNewUser({ token, code: `${code.slice(0, 4)} ${code.slice(4)}`, name: 'New Person', password: 'correct horse battery' }, client());
    expect(joined.email).toBe(address);
    const user = await prisma.user.findUniqueOrThrow({ where: { email: address }, omit: { passwordHash: false }, include: { memberships: true } });
    expect(user.passwordHash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', user.passwordHash!)).toBe(true);
    expect(user.memberships).toMatchObject([{ orgId: org.id, role: 'editor' }]);
    const created = await prisma.auditEvent.findFirstOrThrow({ where: { actorId: user.id, action: 'user.create' } });
    expect(created.metadata).toEqual({ via: 'invitation', mailboxProofId: proof.id });
    expect((await prisma.mailboxProof.findUniqueOrThrow({ where: { id: proof.id } })).usedAt).not.toBeNull();
    await expect(acceptInvitationAsNewUser({ token, code, name: 'Again', password: 'correct horse battery' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('an inviter holding the link cannot create the account without the code mailed to the invitee', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const cto = `cto@${uniqueSlug('customer')}.test`;
    // The inviter sees the link (the portal shows it once, in case the email does not arrive).
    const { link } = await createInvitation(owner.actor, { orgId: org.id, email: cto, role: 'owner' });
    const token = tokenOf(link);
    const attacker = client();
    const impostor = { token, name: 'Not the CTO', password: 'the inviter chose this' };

    // Without a code there is nothing to accept...
    await expect(acceptInvitationAsNewUser({ ...impostor, code: '' }, attacker)).rejects.toThrow();
    await expect(acceptInvitationAsNewUser({ ...impostor, code: '12345678' }, attacker)).rejects.toBeInstanceOf(ValidationError);
    // ...and asking for one mails it to the invited mailbox, never to the one who asked.
    const sent = await sendInvitationCode({ token }, attacker);
    expect(Object.keys(sent).sort()).toEqual(['email', 'expiresAt', 'mailed']);
    const code = codeMailedTo(cto);
    expect(sink.messages.every((m) => m.to.length === 1 && m.to[0] === cto)).toBe(true);

    // Guessing, even in parallel, gets at most PROOF_MAX_ATTEMPTS comparisons; then the code is spent.
    const guesses = Array.from({ length: 20 }, (_, i) => String((Number(code) + 1 + i) % 1e8).padStart(8, '0'));
    const results = await Promise.allSettled(guesses.map((guess) => acceptInvitationAsNewUser({ ...impostor, code: guess }, attacker)));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof ValidationError)).toBe(true);
    const proof = await prisma.mailboxProof.findFirstOrThrow({ where: { purpose: 'invitation', email: cto } });
    expect(proof.attempts).toBe(PROOF_MAX_ATTEMPTS);
    await expect(acceptInvitationAsNewUser({ ...impostor, code }, attacker)).rejects.toThrow(/expired or was tried too often/);

    expect(await prisma.user.count({ where: { email: cto } })).toBe(0);
    expect(await prisma.membership.count({ where: { orgId: org.id } })).toBe(1);
    expect(await previewInvitation(token)).toMatchObject({ status: 'pending', hasAccount: false });

    // The real person asks for a new code, reads it in their mailbox, and joins.
    await sendInvitationCode({ token }, client());
    const fresh = codeMailedTo(cto);
    await expect(acceptInvitationAsNewUser({ token, code, name: 'CTO', password: 'a long enough password' }, client())).rejects.toBeInstanceOf(ValidationError);
    expect(await acceptInvitationAsNewUser({ token, code: fresh, name: 'CTO', password: 'a long enough password' }, client())).toMatchObject({ email: cto, orgSlug: org.slug });
  });

  it('sends codes sparingly: a few per address per hour, only for a pending invitation without an account', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const address = email();
    const { link } = await createInvitation(owner.actor, { orgId: org.id, email: address, role: 'viewer' });
    const token = tokenOf(link);
    for (let i = 0; i < PROOF_SEND_LIMITS.perMailbox; i++) await sendInvitationCode({ token }, client());
    await expect(sendInvitationCode({ token }, client())).rejects.toBeInstanceOf(RateLimitedError);
    const codes = codesMailedTo(address);
    expect(codes).toHaveLength(PROOF_SEND_LIMITS.perMailbox);
    // Only the newest code works.
    await expect(acceptInvitationAsNewUser({ token, code: codes[0]!, name: 'X', password: 'a long enough password' })).rejects.toThrow(/not right/);

    const member = await createUser({ email: email() });
    const forMember = await createInvitation(owner.actor, { orgId: org.id, email: member.email, role: 'viewer' });
    await expect(sendInvitationCode({ token: tokenOf(forMember.link) }, client())).rejects.toBeInstanceOf(ConflictError);
    await revokeInvitation(owner.actor, { orgId: org.id, invitationId: forMember.invitation.id });
    await expect(sendInvitationCode({ token: tokenOf(forMember.link) }, client())).rejects.toThrow(/withdrawn/);
    await expect(sendInvitationCode({ token: 'pci_nope' }, client())).rejects.toBeInstanceOf(NotFoundError);
    expect(await prisma.mailboxProof.count({ where: { email: member.email } })).toBe(0);

    // An address whose organization requires SSO gets no password account, so no code either.
    const domain = `${uniqueSlug('corp')}.test`;
    const ssoOrg = await createOrg({ tier: 'enterprise' });
    await prisma.orgDomain.create({ data: { orgId: ssoOrg.id, domain, verificationToken: 'x', verifiedAt: new Date() } });
    await prisma.organization.update({ where: { id: ssoOrg.id }, data: { ssoRequired: true } });
    const forSso = await createInvitation(owner.actor, { orgId: org.id, email: `dev@${domain}`, role: 'viewer' });
    await expect(sendInvitationCode({ token: tokenOf(forSso.link) }, client())).rejects.toThrow(/single sign-on/);
    expect(codesMailedTo(`dev@${domain}`)).toEqual([]);
  });

  it('refuses expired, revoked, replaced, wrong-address and malformed links, changing nothing', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const user = await createUser({ email: email() });
    const stranger = await createUser({ email: email() });
    const past = new Date(Date.now() - 8 * 24 * 3600 * 1000);

    const expired = await createInvitation(owner.actor, { orgId: org.id, email: user.email, role: 'viewer' }, past);
    await expect(acceptInvitation(userActor(user), { token: tokenOf(expired.link) })).rejects.toThrow(/expired/);

    const fresh = await createInvitation(owner.actor, { orgId: org.id, email: user.email, role: 'viewer' });
    await expect(acceptInvitation(userActor(user), { token: tokenOf(expired.link) })).rejects.toThrow(/withdrawn/); // replaced
    await expect(acceptInvitation(userActor(stranger), { token: tokenOf(fresh.link) })).rejects.toThrow(/is for/);
    await expect(acceptInvitation(userActor(user), { token: 'pci_nope' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await previewInvitation('pci_nope')).toEqual({ status: 'invalid' });

    const resent = await resendInvitation(owner.actor, { orgId: org.id, invitationId: fresh.invitation.id });
    await expect(acceptInvitation(userActor(user), { token: tokenOf(fresh.link) })).rejects.toBeInstanceOf(NotFoundError);
    await revokeInvitation(owner.actor, { orgId: org.id, invitationId: resent.invitation.id });
    await expect(acceptInvitation(userActor(user), { token: tokenOf(resent.link) })).rejects.toThrow(/withdrawn/);

    expect(await prisma.membership.count({ where: { orgId: org.id } })).toBe(1);
    const actions = (await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } })).map((event) => event.action);
    expect(actions).toEqual(['member.invite', 'member.invite', 'member.invitation_resend', 'member.invitation_revoke']);
  });

  it('accepts concurrently exactly once', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const user = await createUser({ email: email() });
    const { link } = await createInvitation(owner.actor, { orgId: org.id, email: user.email, role: 'viewer' });
    const results = await Promise.allSettled([acceptInvitation(userActor(user), { token: tokenOf(link) }), acceptInvitation(userActor(user), { token: tokenOf(link) })]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await prisma.membership.count({ where: { orgId: org.id, userId: user.id } })).toBe(1);
  });

  it('never invites above the inviter’s role, nor existing members, nor without members.invite', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const admin = await createMember(org.id, 'admin');
    const viewer = await createMember(org.id, 'viewer');
    await expect(createInvitation(admin.actor, { orgId: org.id, email: email(), role: 'owner' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createInvitation(viewer.actor, { orgId: org.id, email: email(), role: 'viewer' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createInvitation(admin.actor, { orgId: org.id, email: viewer.user.email, role: 'viewer' })).rejects.toThrow(/already a member/);
    await expect(createInvitation(admin.actor, { orgId: org.id, email: 'not an email', role: 'viewer' })).rejects.toThrow(/valid email/);
    expect(await prisma.invitation.count({ where: { orgId: org.id } })).toBe(0);
    expect(sink.messages).toHaveLength(0);
  });

  it('holds the seat quota: invitations count, and a fourth Community seat is refused with the reason', async () => {
    const org = await createOrg({ tier: 'community' });
    const owner = await createMember(org.id, 'owner');
    await createMember(org.id, 'viewer');
    const third = await createInvitation(owner.actor, { orgId: org.id, email: email(), role: 'viewer' });
    await expect(createInvitation(owner.actor, { orgId: org.id, email: email(), role: 'viewer' })).rejects.toThrow(
      /Community plan, which allows up to 3 seats, and already has 2 members and 1 open invitation/,
    );
    // Re-inviting the same address replaces its invitation instead of taking another seat.
    await createInvitation(owner.actor, { orgId: org.id, email: third.invitation.email, role: 'editor' });
    expect(await prisma.invitation.count({ where: { orgId: org.id, revokedAt: null } })).toBe(1);
  });

  it('answers 404 for another org’s invitation', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const other = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const otherOwner = await createMember(other.id, 'owner');
    const theirs = await createInvitation(otherOwner.actor, { orgId: other.id, email: email(), role: 'viewer' });
    await expect(revokeInvitation(owner.actor, { orgId: org.id, invitationId: theirs.invitation.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeInvitation(owner.actor, { orgId: other.id, invitationId: theirs.invitation.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listInvitations(owner.actor, other.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: theirs.invitation.id } })).revokedAt).toBeNull();
  });

  it('invites with a custom role and a failing mail transport still yields the link', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const role = await prisma.role.create({ data: { orgId: org.id, name: 'QA Engineer', permissions: ['org.view', 'instructions.view', 'licenses.view'] } });
    setMailTransport({
      name: 'broken',
      async send() {
        throw new Error('connection refused');
      },
    });
    const user = await createUser({ email: email() });
    const result = await createInvitation(owner.actor, { orgId: org.id, email: user.email, role: `custom:${role.id}` });
    expect(result.mailed).toBe(false);
    expect(result.invitation.roleLabel).toBe('QA Engineer');
    await acceptInvitation(userActor(user), { token: tokenOf(result.link) });
    const membership = await prisma.membership.findUniqueOrThrow({ where: { userId_orgId: { userId: user.id, orgId: org.id } } });
    expect(membership).toMatchObject({ role: 'custom', customRoleId: role.id });
  });
});
