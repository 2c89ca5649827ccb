import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { keyedHash } from '@/lib/crypto/keyed-hash';
import { prisma } from '@/lib/db/client';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/errors';
import { setMailTransport } from '@/lib/mail/send';
import { memoryTransport, type MemoryTransport } from '@/lib/mail/transport';
import { createMember, createOrg, createUser, uniqueSlug, userActor } from '@/lib/testing/factories';
import {
  acceptInvitation,
  acceptInvitationAsNewUser,
  createInvitation,
  listInvitations,
  previewInvitation,
  resendInvitation,
  revokeInvitation,
} from './invitations';

let mail: MemoryTransport;
beforeAll(() => setMailTransport(undefined));
beforeEach(() => {
  mail = memoryTransport();
  setMailTransport(mail);
});
afterAll(() => setMailTransport(undefined));

const tokenOf = (link: string) => link.split('/invite/')[1]!;
const email = () => `${uniqueSlug('invitee')}@example.test`;

describe('invitations', () => {
  it('mails a single-use link, stores only its keyed hash, and audits', async () => {
    const org = await createOrg();
    const owner = await createMember(org.id, 'owner');
    const address = email();
    const result = await createInvitation(owner.actor, { orgId: org.id, email: `  ${address.toUpperCase()} `, role: 'editor' });
    expect(result.mailed).toBe(true);
    expect(result.invitation).toMatchObject({ email: address, roleLabel: 'Editor', status: 'pending' });
    const token = tokenOf(result.link);
    expect(token).toMatch(/^pci_[0-9A-Za-z]{43}$/);
    expect(mail.sent).toHaveLength(1);
    expect(mail.sent[0]).toMatchObject({ to: address, subject: `You are invited to ${org.name} on Portcullis` });
    expect(mail.sent[0]!.text).toContain(result.link);

    const stored = await prisma.invitation.findUniqueOrThrow({ where: { id: result.invitation.id }, omit: { tokenHash: false } });
    expect(stored.tokenHash).toBe(keyedHash(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const events = await prisma.auditEvent.findMany({ where: { orgId: org.id } });
    expect(events.map((event) => event.action)).toEqual(['member.invite']);
    expect(JSON.stringify(events.map(({ before, after, metadata }) => ({ before, after, metadata })))).not.toContain(token);
  });

  it('lets an existing user accept once, with the invited role', async () => {
    const org = await createOrg();
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

  it('creates the account of someone new, with a hashed password', async () => {
    const org = await createOrg();
    const owner = await createMember(org.id, 'owner');
    const address = email();
    const { link } = await createInvitation(owner.actor, { orgId: org.id, email: address, role: 'editor' });
    expect(await previewInvitation(tokenOf(link))).toMatchObject({ hasAccount: false });
    await expect(acceptInvitationAsNewUser({ token: tokenOf(link), name: 'New Person', password: 'short' })).rejects.toThrow();
    const joined = await acceptInvitationAsNewUser({ token: tokenOf(link), name: 'New Person', password: 'correct horse battery' });
    expect(joined.email).toBe(address);
    const user = await prisma.user.findUniqueOrThrow({ where: { email: address }, omit: { passwordHash: false }, include: { memberships: true } });
    expect(user.passwordHash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', user.passwordHash!)).toBe(true);
    expect(user.memberships).toMatchObject([{ orgId: org.id, role: 'editor' }]);
    await expect(acceptInvitationAsNewUser({ token: tokenOf(link), name: 'Again', password: 'correct horse battery' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('refuses expired, revoked, replaced, wrong-address and malformed links, changing nothing', async () => {
    const org = await createOrg();
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
    const org = await createOrg();
    const owner = await createMember(org.id, 'owner');
    const user = await createUser({ email: email() });
    const { link } = await createInvitation(owner.actor, { orgId: org.id, email: user.email, role: 'viewer' });
    const results = await Promise.allSettled([acceptInvitation(userActor(user), { token: tokenOf(link) }), acceptInvitation(userActor(user), { token: tokenOf(link) })]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await prisma.membership.count({ where: { orgId: org.id, userId: user.id } })).toBe(1);
  });

  it('never invites above the inviter’s role, nor existing members, nor without members.invite', async () => {
    const org = await createOrg();
    const admin = await createMember(org.id, 'admin');
    const viewer = await createMember(org.id, 'viewer');
    await expect(createInvitation(admin.actor, { orgId: org.id, email: email(), role: 'owner' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createInvitation(viewer.actor, { orgId: org.id, email: email(), role: 'viewer' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createInvitation(admin.actor, { orgId: org.id, email: viewer.user.email, role: 'viewer' })).rejects.toThrow(/already a member/);
    await expect(createInvitation(admin.actor, { orgId: org.id, email: 'not an email', role: 'viewer' })).rejects.toThrow(/valid email/);
    expect(await prisma.invitation.count({ where: { orgId: org.id } })).toBe(0);
    expect(mail.sent).toHaveLength(0);
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
    const org = await createOrg();
    const other = await createOrg();
    const owner = await createMember(org.id, 'owner');
    const otherOwner = await createMember(other.id, 'owner');
    const theirs = await createInvitation(otherOwner.actor, { orgId: other.id, email: email(), role: 'viewer' });
    await expect(revokeInvitation(owner.actor, { orgId: org.id, invitationId: theirs.invitation.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(revokeInvitation(owner.actor, { orgId: other.id, invitationId: theirs.invitation.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listInvitations(owner.actor, other.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: theirs.invitation.id } })).revokedAt).toBeNull();
  });

  it('invites with a custom role and a failing mail transport still yields the link', async () => {
    const org = await createOrg();
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
