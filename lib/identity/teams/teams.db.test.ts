import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { createMember, createOrg } from '@/dev/testing/factories';
import { addTeamMember, createTeam, deleteTeam, listTeams, removeTeamMember, updateTeam } from './teams';

describe('teams', () => {
  it('creates, renames, fills, empties and deletes a team, each audited', async () => {
    const org = await createOrg();
    const admin = await createMember(org.id, 'admin');
    const editor = await createMember(org.id, 'editor');
    const team = await createTeam(admin.actor, { orgId: org.id, name: ' Platform ', description: '' });
    expect(team).toMatchObject({ name: 'Platform', description: null });
    await updateTeam(admin.actor, { orgId: org.id, teamId: team.id, name: 'Platform engineering', description: 'Runs the clusters' });
    await addTeamMember(admin.actor, { orgId: org.id, teamId: team.id, membershipId: editor.membership.id });
    await expect(addTeamMember(admin.actor, { orgId: org.id, teamId: team.id, membershipId: editor.membership.id })).rejects.toThrow(/already in/);
    const [listed] = await listTeams(editor.actor, org.id);
    expect(listed).toMatchObject({ name: 'Platform engineering', members: [{ email: editor.user.email }] });
    await removeTeamMember(admin.actor, { orgId: org.id, teamId: team.id, membershipId: editor.membership.id });
    await deleteTeam(admin.actor, { orgId: org.id, teamId: team.id });
    expect(await prisma.team.count({ where: { orgId: org.id } })).toBe(0);
    const actions = (await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['team.create', 'team.update', 'team.member_add', 'team.member_remove', 'team.delete']);
  });

  it('refuses duplicate names, foreign members and teams, and members without teams.manage', async () => {
    const org = await createOrg();
    const other = await createOrg();
    const admin = await createMember(org.id, 'admin');
    const viewer = await createMember(org.id, 'viewer');
    const stranger = await createMember(other.id, 'viewer');
    const team = await createTeam(admin.actor, { orgId: org.id, name: 'QA' });
    const theirs = await prisma.team.create({ data: { orgId: other.id, name: 'Theirs' } });
    await expect(createTeam(admin.actor, { orgId: org.id, name: 'qa' })).rejects.toThrow(/already a team/);
    await expect(addTeamMember(admin.actor, { orgId: org.id, teamId: team.id, membershipId: stranger.membership.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteTeam(admin.actor, { orgId: org.id, teamId: theirs.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteTeam(admin.actor, { orgId: other.id, teamId: theirs.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(createTeam(viewer.actor, { orgId: org.id, name: 'Mine' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createTeam(admin.actor, { orgId: org.id, name: 'x'.repeat(65) })).rejects.toThrow(/at most 64/);
    expect(await prisma.team.count({ where: { orgId: org.id } })).toBe(1);
    expect(await prisma.team.count({ where: { orgId: other.id } })).toBe(1);
    expect(await prisma.teamMember.count({ where: { teamId: team.id } })).toBe(0);
  });
});
