import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { startSession } from '@/lib/identity/auth/sessions';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { changeMemberRole, leaveOrg, listMembers, removeMember } from './members';

const PAGE = { q: '', sort: 'name' as const, dir: 'asc' as const, skip: 0, take: 50 };

async function auditActions(orgId: string) {
  const events = await prisma.auditEvent.findMany({ where: { orgId }, orderBy: { id: 'asc' } });
  return events.map((event) => event.action);
}

describe('members', () => {
  it('lists only the org members, searchable, with role labels', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const other = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    await createMember(org.id, 'viewer');
    await createMember(other.id, 'owner');
    const { rows, total } = await listMembers(owner.actor, org.id, PAGE);
    expect(total).toBe(2);
    expect(rows.map((row) => row.roleLabel).sort()).toEqual(['Owner', 'Viewer']);
    const found = await listMembers(owner.actor, org.id, { ...PAGE, q: owner.user.email.slice(0, 12) });
    expect(found.rows.map((row) => row.email)).toEqual([owner.user.email]);
  });

  it('changes a role and audits before and after', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const admin = await createMember(org.id, 'admin');
    const target = await createMember(org.id, 'viewer');
    const member = await changeMemberRole(admin.actor, { orgId: org.id, membershipId: target.membership.id, role: 'editor' });
    expect(member.roleLabel).toBe('Editor');
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'member.role_change' } });
    expect(event.before).toMatchObject({ role: 'viewer' });
    expect(event.after).toMatchObject({ role: 'editor' });
  });

  it('refuses to grant above your own role, and to touch someone above you', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const admin = await createMember(org.id, 'admin');
    const viewer = await createMember(org.id, 'viewer');
    const owner = await createMember(org.id, 'owner');
    await expect(changeMemberRole(admin.actor, { orgId: org.id, membershipId: viewer.membership.id, role: 'owner' })).rejects.toThrow(
      /more access than your own/,
    );
    await expect(changeMemberRole(admin.actor, { orgId: org.id, membershipId: owner.membership.id, role: 'viewer' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeMember(admin.actor, { orgId: org.id, membershipId: owner.membership.id })).rejects.toBeInstanceOf(ForbiddenError);
    // An admin cannot promote themselves either.
    await expect(changeMemberRole(admin.actor, { orgId: org.id, membershipId: admin.membership.id, role: 'owner' })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await prisma.membership.findUniqueOrThrow({ where: { id: owner.membership.id } })).role).toBe('owner');
    expect(await auditActions(org.id)).toEqual([]);
  });

  it('never demotes, removes or lets go the last owner', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    await expect(changeMemberRole(owner.actor, { orgId: org.id, membershipId: owner.membership.id, role: 'admin' })).rejects.toBeInstanceOf(ConflictError);
    await expect(leaveOrg(owner.actor, { orgId: org.id })).rejects.toThrow(/last owner/);
    await expect(removeMember(owner.actor, { orgId: org.id, membershipId: owner.membership.id })).rejects.toThrow(/last owner/);
    const staff = await createStaff('staff-admin');
    await expect(removeMember(staff.actor, { orgId: org.id, membershipId: owner.membership.id })).rejects.toThrow(/last owner/);

    const second = await createMember(org.id, 'owner');
    await changeMemberRole(owner.actor, { orgId: org.id, membershipId: second.membership.id, role: 'admin' });
    await expect(leaveOrg(owner.actor, { orgId: org.id })).rejects.toThrow(/last owner/);
    await changeMemberRole(owner.actor, { orgId: org.id, membershipId: second.membership.id, role: 'owner' });
    await leaveOrg(owner.actor, { orgId: org.id });
    expect(await prisma.membership.count({ where: { orgId: org.id, role: 'owner' } })).toBe(1);
    expect(await auditActions(org.id)).toEqual(['member.role_change', 'member.role_change', 'member.leave']);
  });

  it('keeps one owner when two owners demote each other at the same time', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const a = await createMember(org.id, 'owner');
    const b = await createMember(org.id, 'owner');
    const results = await Promise.allSettled([
      changeMemberRole(a.actor, { orgId: org.id, membershipId: b.membership.id, role: 'viewer' }),
      changeMemberRole(b.actor, { orgId: org.id, membershipId: a.membership.id, role: 'viewer' }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(await prisma.membership.count({ where: { orgId: org.id, role: 'owner' } })).toBe(1);
  });

  it('removes a member (and their team seats), audited', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const admin = await createMember(org.id, 'admin');
    const editor = await createMember(org.id, 'editor');
    const team = await prisma.team.create({ data: { orgId: org.id, name: 'Platform' } });
    await prisma.teamMember.create({ data: { teamId: team.id, membershipId: editor.membership.id } });
    await removeMember(admin.actor, { orgId: org.id, membershipId: editor.membership.id });
    expect(await prisma.membership.findUnique({ where: { id: editor.membership.id } })).toBeNull();
    expect(await prisma.teamMember.count({ where: { teamId: team.id } })).toBe(0);
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'member.remove' } });
    expect(event.before).toMatchObject({ email: editor.user.email, role: 'editor', teams: ['Platform'] });
  });

  it('ends the sessions of someone removed from their last organization, not of someone who still has one', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const second = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const leaving = await createMember(org.id, 'viewer');
    const staying = await createMember(org.id, 'viewer');
    await prisma.membership.create({ data: { userId: staying.user.id, orgId: second.id, role: 'viewer' } });
    const signIn = (member: typeof leaving) => prisma.$transaction((tx) => startSession(tx, member.actor, { authMethod: 'password' }));
    const [one, two, kept] = [await signIn(leaving), await signIn(leaving), await signIn(staying)];

    await removeMember(owner.actor, { orgId: org.id, membershipId: leaving.membership.id });
    await removeMember(owner.actor, { orgId: org.id, membershipId: staying.membership.id });
    const sessions = await prisma.session.findMany({ where: { id: { in: [one.id, two.id, kept.id] } } });
    expect(Object.fromEntries(sessions.map((s) => [s.id, s.endedReason]))).toEqual({ [one.id]: 'removed', [two.id]: 'removed', [kept.id]: null });
    // Audited by whoever removed them, in the removal's transaction.
    const ended = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'auth.session_end', targetId: leaving.user.id } });
    expect(ended).toMatchObject({ actorId: owner.user.id, metadata: { reason: 'removed', sessionIds: expect.arrayContaining([one.id, two.id]) } });

    // Leaving one's last organization ends one's sessions too.
    const last = await signIn(staying);
    await leaveOrg(staying.actor, { orgId: second.id });
    expect((await prisma.session.findUniqueOrThrow({ where: { id: last.id } })).endedReason).toBe('removed');
  });

  it('answers 404 for another org’s member and 403 without members.manage', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const other = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const foreign = await createMember(other.id, 'viewer');
    const editor = await createMember(org.id, 'editor');
    await expect(changeMemberRole(owner.actor, { orgId: org.id, membershipId: foreign.membership.id, role: 'editor' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(changeMemberRole(owner.actor, { orgId: other.id, membershipId: foreign.membership.id, role: 'editor' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeMember(editor.actor, { orgId: org.id, membershipId: owner.membership.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await prisma.membership.findUniqueOrThrow({ where: { id: foreign.membership.id } })).role).toBe('viewer');
  });

  it('assigns a custom role of the org only', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const other = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const target = await createMember(org.id, 'viewer');
    const qa = await prisma.role.create({ data: { orgId: org.id, name: 'QA', permissions: ['instructions.view', 'licenses.view'] } });
    const foreignRole = await prisma.role.create({ data: { orgId: other.id, name: 'QA', permissions: ['instructions.view'] } });
    await expect(changeMemberRole(owner.actor, { orgId: org.id, membershipId: target.membership.id, role: `custom:${foreignRole.id}` })).rejects.toThrow(
      /does not exist in this organization/,
    );
    const member = await changeMemberRole(owner.actor, { orgId: org.id, membershipId: target.membership.id, role: `custom:${qa.id}` });
    expect(member).toMatchObject({ role: 'custom', roleLabel: 'QA', roleRef: `custom:${qa.id}` });
    expect(member.permissions).toEqual(['org.view', 'instructions.view', 'licenses.view']);
    await expect(changeMemberRole(owner.actor, { orgId: org.id, membershipId: target.membership.id, role: 'superuser' })).rejects.toThrow(/Choose one of/);
  });
});
