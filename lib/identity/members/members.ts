import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { endUserSessions } from '@/lib/identity/auth/sessions';
import { prisma, type Db, type Prisma } from '@/lib/platform/db/client';
import { NotFoundError } from '@/lib/platform/errors';
import { assertCanChangeRole, assertCanRemove } from '@/lib/identity/rbac/grants';
import { resolvedOf, resolveRoleRef, roleRefString } from '@/lib/identity/rbac/role-ref';
import type { TableQuery } from '@/lib/platform/table/query';
import { authorizePeople, countOwners } from './access';

/**
 * An organization's members: list, change role, remove, leave. The rules on
 * who may grant what and the last owner live in lib/identity/rbac/grants; this module
 * applies them inside a transaction that holds the org's row lock, so two
 * owners demoting each other at once cannot leave the org without one.
 */

export const MEMBER_SORTS = ['name', 'email', 'role', 'joined'] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

const memberInclude = {
  user: { select: { id: true, email: true, name: true, lastLoginAt: true, disabledAt: true } },
  customRole: { select: { name: true, permissions: true } },
  teams: { select: { team: { select: { id: true, name: true } } } },
} as const;

type MemberRow = Prisma.MembershipGetPayload<{ include: typeof memberInclude }>;

function publicMember(row: MemberRow) {
  const role = resolvedOf(row);
  return {
    id: row.id,
    userId: row.user.id,
    email: row.user.email,
    name: row.user.name,
    lastLoginAt: row.user.lastLoginAt,
    /** Vendor staff deactivated this person (lib/identity/staff/customer-users.ts): they cannot sign in. */
    deactivated: row.user.disabledAt !== null,
    joinedAt: row.createdAt,
    role: row.role,
    roleRef: roleRefString(row),
    roleLabel: role.label,
    permissions: role.permissions,
    teams: row.teams.map((link) => link.team).sort((a, b) => a.name.localeCompare(b.name)),
  };
}
export type Member = ReturnType<typeof publicMember>;

function memberOrder(query: Pick<TableQuery<MemberSort>, 'sort' | 'dir'>): Prisma.MembershipOrderByWithRelationInput[] {
  const dir = query.dir;
  switch (query.sort) {
    case 'email':
      return [{ user: { email: dir } }];
    case 'role':
      return [{ role: dir }, { user: { email: 'asc' } }];
    case 'joined':
      return [{ createdAt: dir }, { id: dir }];
    default:
      return [{ user: { name: dir } }, { user: { email: 'asc' } }];
  }
}

/**
 * Someone who has just lost their last organization has nothing left to sign
 * in to: their sessions end with the removal (vendor staff keep theirs).
 */
async function endSessionsIfNoOrgLeft(tx: Db, actor: Actor, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId }, select: { staffRole: true } });
  if (!user || user.staffRole) return;
  const remaining = await tx.membership.count({ where: { userId, org: { status: { not: 'deactivated' } } } });
  if (remaining === 0) await endUserSessions(tx, actor, userId, 'removed');
}

export async function listMembers(actor: Actor, orgId: string, query: Pick<TableQuery<MemberSort>, 'q' | 'sort' | 'dir' | 'skip' | 'take'> & { filters?: { role?: string } }) {
  const access = await authorizePeople(prisma, actor, orgId, 'members.view');
  const where: Prisma.MembershipWhereInput = {
    orgId: access.org.id,
    ...(query.filters?.role ? { role: query.filters.role } : {}),
    ...(query.q
      ? { user: { OR: [{ email: { contains: query.q, mode: 'insensitive' } }, { name: { contains: query.q, mode: 'insensitive' } }] } }
      : {}),
  };
  const [rows, total] = await Promise.all([
    prisma.membership.findMany({ where, include: memberInclude, orderBy: memberOrder(query), skip: query.skip, take: query.take }),
    prisma.membership.count({ where }),
  ]);
  return { rows: rows.map(publicMember), total };
}

export const changeRoleSchema = z.object({
  orgId: z.string().min(1),
  membershipId: z.string().min(1),
  role: z.string().trim().min(1, 'Choose a role.'),
});

export async function changeMemberRole(actor: Actor, input: z.input<typeof changeRoleSchema>) {
  const data = changeRoleSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'members.manage', { write: true, lock: true });
    const target = await tx.membership.findFirst({ where: { id: data.membershipId, orgId: access.org.id }, include: memberInclude });
    if (!target) throw new NotFoundError('Member not found');
    const current = resolvedOf(target);
    const next = await resolveRoleRef(tx, access.org.id, data.role);
    if (current.role === next.role && current.customRoleId === next.customRoleId) return publicMember(target);
    assertCanChangeRole({
      actor: access.granter,
      target: current,
      next,
      ownerCount: await countOwners(tx, access.org.id),
      self: target.userId === actor.userId,
    });
    const updated = await tx.membership.update({
      where: { id: target.id },
      data: { role: next.role, customRoleId: next.customRoleId },
      include: memberInclude,
    });
    await recordAudit(tx, actor, {
      action: 'member.role_change',
      target: { type: 'membership', id: target.id },
      orgId: access.org.id,
      before: { email: target.user.email, role: roleRefString(target), roleLabel: current.label },
      after: { email: target.user.email, role: roleRefString(updated), roleLabel: next.label },
    });
    return publicMember(updated);
  });
}

export const removeMemberSchema = z.object({
  orgId: z.string().min(1),
  membershipId: z.string().min(1),
});

export async function removeMember(actor: Actor, input: z.input<typeof removeMemberSchema>) {
  const data = removeMemberSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'members.manage', { write: true, lock: true });
    const target = await tx.membership.findFirst({ where: { id: data.membershipId, orgId: access.org.id }, include: memberInclude });
    if (!target) throw new NotFoundError('Member not found');
    const self = target.userId === actor.userId;
    assertCanRemove({ actor: access.granter, target: resolvedOf(target), ownerCount: await countOwners(tx, access.org.id), self });
    await tx.membership.delete({ where: { id: target.id } });
    await recordAudit(tx, actor, {
      action: self ? 'member.leave' : 'member.remove',
      target: { type: 'membership', id: target.id },
      orgId: access.org.id,
      before: { email: target.user.email, role: roleRefString(target), teams: target.teams.map((link) => link.team.name) },
    });
    await endSessionsIfNoOrgLeft(tx, actor, target.userId);
    return { id: target.id, email: target.user.email };
  });
}

export const leaveOrgSchema = z.object({ orgId: z.string().min(1) });

/** Any member may leave, unless they are the last owner. */
export async function leaveOrg(actor: Actor, input: z.input<typeof leaveOrgSchema>) {
  const data = leaveOrgSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'org.view', { lock: true });
    if (!access.membershipId) throw new NotFoundError('You are not a member of this organization.');
    const membership = await tx.membership.findUniqueOrThrow({ where: { id: access.membershipId }, include: memberInclude });
    assertCanRemove({ actor: access.granter, target: resolvedOf(membership), ownerCount: await countOwners(tx, access.org.id), self: true });
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, actor, {
      action: 'member.leave',
      target: { type: 'membership', id: membership.id },
      orgId: access.org.id,
      before: { email: membership.user.email, role: roleRefString(membership), teams: membership.teams.map((link) => link.team.name) },
    });
    await endSessionsIfNoOrgLeft(tx, actor, membership.userId);
    return { orgId: access.org.id, orgName: access.org.name };
  });
}
