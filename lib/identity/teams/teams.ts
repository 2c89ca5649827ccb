import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError } from '@/lib/platform/errors';
import { authorizePeople } from '@/lib/identity/members/access';

/**
 * Teams: named sub-groups of an org's members (e.g. "Platform", "QA"). A
 * team grants nothing by itself; it groups people for the portal's lists.
 */

const nameSchema = z.string().trim().min(1, 'Give the team a name.').max(64, 'Use at most 64 characters.');
const descriptionSchema = z
  .string()
  .trim()
  .max(280, 'Use at most 280 characters.')
  .nullish()
  .transform((value) => value || null);

export const createTeamSchema = z.object({ orgId: z.string().min(1), name: nameSchema, description: descriptionSchema });
export const updateTeamSchema = createTeamSchema.extend({ teamId: z.string().min(1) });
export const teamRefSchema = z.object({ orgId: z.string().min(1), teamId: z.string().min(1) });
export const teamMemberSchema = teamRefSchema.extend({ membershipId: z.string().min(1, 'Choose a member.') });

export async function listTeams(actor: Actor, orgId: string) {
  const access = await authorizePeople(prisma, actor, orgId, 'members.view');
  const teams = await prisma.team.findMany({
    where: { orgId: access.org.id },
    orderBy: { name: 'asc' },
    include: {
      members: {
        include: { membership: { select: { id: true, user: { select: { email: true, name: true } } } } },
        orderBy: { createdAt: 'asc' },
      },
    },
  });
  return teams.map((team) => ({
    id: team.id,
    name: team.name,
    description: team.description,
    createdAt: team.createdAt,
    members: team.members.map((link) => ({ membershipId: link.membership.id, email: link.membership.user.email, name: link.membership.user.name })),
  }));
}
export type TeamSummary = Awaited<ReturnType<typeof listTeams>>[number];

async function assertNameFree(tx: Db, orgId: string, name: string, exceptId?: string) {
  const clash = await tx.team.findFirst({ where: { orgId, name: { equals: name, mode: 'insensitive' }, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
  if (clash) throw new ConflictError(`There is already a team called "${name}".`, 'name');
}

async function findTeam(tx: Db, orgId: string, teamId: string) {
  const team = await tx.team.findFirst({ where: { id: teamId, orgId } });
  if (!team) throw new NotFoundError('Team not found');
  return team;
}

export async function createTeam(actor: Actor, input: z.input<typeof createTeamSchema>) {
  const data = createTeamSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'teams.manage', { write: true });
    await assertNameFree(tx, access.org.id, data.name);
    const team = await tx.team.create({ data: { orgId: access.org.id, name: data.name, description: data.description } });
    await recordAudit(tx, actor, { action: 'team.create', target: { type: 'team', id: team.id }, orgId: access.org.id, after: team });
    return team;
  });
}

export async function updateTeam(actor: Actor, input: z.input<typeof updateTeamSchema>) {
  const data = updateTeamSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'teams.manage', { write: true });
    const before = await findTeam(tx, access.org.id, data.teamId);
    await assertNameFree(tx, access.org.id, data.name, before.id);
    const team = await tx.team.update({ where: { id: before.id }, data: { name: data.name, description: data.description } });
    await recordAudit(tx, actor, { action: 'team.update', target: { type: 'team', id: team.id }, orgId: access.org.id, before, after: team });
    return team;
  });
}

export async function deleteTeam(actor: Actor, input: z.input<typeof teamRefSchema>) {
  const data = teamRefSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'teams.manage', { write: true });
    const team = await findTeam(tx, access.org.id, data.teamId);
    const members = await tx.teamMember.count({ where: { teamId: team.id } });
    await tx.team.delete({ where: { id: team.id } });
    await recordAudit(tx, actor, { action: 'team.delete', target: { type: 'team', id: team.id }, orgId: access.org.id, before: { ...team, members } });
    return team;
  });
}

export async function addTeamMember(actor: Actor, input: z.input<typeof teamMemberSchema>) {
  const data = teamMemberSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'teams.manage', { write: true });
    const team = await findTeam(tx, access.org.id, data.teamId);
    const membership = await tx.membership.findFirst({ where: { id: data.membershipId, orgId: access.org.id }, select: { id: true, user: { select: { email: true } } } });
    if (!membership) throw new NotFoundError('Member not found');
    const already = await tx.teamMember.findUnique({ where: { teamId_membershipId: { teamId: team.id, membershipId: membership.id } } });
    if (already) throw new ConflictError(`${membership.user.email} is already in ${team.name}.`, 'membershipId');
    await tx.teamMember.create({ data: { teamId: team.id, membershipId: membership.id } });
    await recordAudit(tx, actor, {
      action: 'team.member_add',
      target: { type: 'team', id: team.id },
      orgId: access.org.id,
      after: { team: team.name, membershipId: membership.id, email: membership.user.email },
    });
    return { team, email: membership.user.email };
  });
}

export async function removeTeamMember(actor: Actor, input: z.input<typeof teamMemberSchema>) {
  const data = teamMemberSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'teams.manage', { write: true });
    const team = await findTeam(tx, access.org.id, data.teamId);
    const link = await tx.teamMember.findUnique({
      where: { teamId_membershipId: { teamId: team.id, membershipId: data.membershipId } },
      include: { membership: { select: { user: { select: { email: true } } } } },
    });
    if (!link) throw new NotFoundError('That member is not in this team.');
    await tx.teamMember.delete({ where: { teamId_membershipId: { teamId: team.id, membershipId: link.membershipId } } });
    await recordAudit(tx, actor, {
      action: 'team.member_remove',
      target: { type: 'team', id: team.id },
      orgId: access.org.id,
      before: { team: team.name, membershipId: link.membershipId, email: link.membership.user.email },
    });
    return { team, email: link.membership.user.email };
  });
}
