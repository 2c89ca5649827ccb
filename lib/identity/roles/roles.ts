import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { authorizePeople } from '@/lib/identity/members/access';
import { coversRole, type Granter } from '@/lib/identity/rbac/grants';
import {
  BUILTIN_ROLE_KEYS,
  BUILTIN_ROLES,
  CUSTOM_ROLE,
  customRolePermissions,
  IMPLIED_PERMISSIONS,
  isOrgPermission,
  ORG_PERMISSION_LABELS,
  ORG_PERMISSIONS,
  type OrgPermission,
} from '@/lib/identity/rbac/permissions';
import { portalFeatureActive, requirePortalFeature } from '@/lib/plans/portal-gate';

/**
 * Custom roles: an org's admins compose them from the `resource.action`
 * permission list. Built-in roles are read-only. Nobody composes or edits a
 * role holding a permission they lack, so roles.manage cannot be used to
 * climb; a change to a role takes effect for its holders at once (sessions
 * read permissions on every request).
 */

const permissionsSchema = z
  .preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.string()))
  .transform((values, context) => {
    const unknown = values.filter((value) => !isOrgPermission(value));
    if (unknown.length > 0) {
      context.addIssue({ code: 'custom', message: `Unknown permission: ${unknown.join(', ')}.` });
      return z.NEVER;
    }
    const chosen = customRolePermissions(values);
    if (chosen.every((permission) => IMPLIED_PERMISSIONS.includes(permission))) {
      context.addIssue({ code: 'custom', message: 'Choose at least one permission.' });
      return z.NEVER;
    }
    return chosen;
  });

export const roleFieldsSchema = z.object({
  orgId: z.string().min(1),
  name: z.string().trim().min(1, 'Give the role a name, e.g. "QA Engineer".').max(48, 'Use at most 48 characters.'),
  description: z
    .string()
    .trim()
    .max(280, 'Use at most 280 characters.')
    .nullish()
    .transform((value) => value || null),
  permissions: permissionsSchema,
});
export const updateRoleSchema = roleFieldsSchema.extend({ roleId: z.string().min(1) });
export const roleRefSchema = z.object({ orgId: z.string().min(1), roleId: z.string().min(1) });

/** The permission list grouped by resource, for the role editor. */
export function permissionGroups(): { resource: string; permissions: { key: OrgPermission; label: string; implied: boolean }[] }[] {
  const groups = new Map<string, { key: OrgPermission; label: string; implied: boolean }[]>();
  for (const key of ORG_PERMISSIONS) {
    const resource = key.split('.')[0]!;
    const list = groups.get(resource) ?? [];
    list.push({ key, label: ORG_PERMISSION_LABELS[key], implied: IMPLIED_PERMISSIONS.includes(key) });
    groups.set(resource, list);
  }
  return [...groups].map(([resource, permissions]) => ({ resource, permissions }));
}

export async function listRoles(actor: Actor, orgId: string) {
  const access = await authorizePeople(prisma, actor, orgId, 'members.view');
  const [custom, builtinCounts] = await Promise.all([
    prisma.role.findMany({
      where: { orgId: access.org.id },
      orderBy: { name: 'asc' },
      include: { _count: { select: { memberships: true } } },
    }),
    prisma.membership.groupBy({ by: ['role'], where: { orgId: access.org.id }, _count: { _all: true } }),
  ]);
  const countOf = (role: string) => builtinCounts.find((row) => row.role === role)?._count._all ?? 0;
  return {
    builtin: BUILTIN_ROLE_KEYS.map((key) => ({
      key,
      label: BUILTIN_ROLES[key].label,
      description: BUILTIN_ROLES[key].description,
      permissions: BUILTIN_ROLES[key].permissions as readonly OrgPermission[],
      members: countOf(key),
    })),
    custom: custom.map((role) => ({
      id: role.id,
      name: role.name,
      description: role.description,
      permissions: customRolePermissions(role.permissions),
      members: role._count.memberships,
      updatedAt: role.updatedAt,
    })),
  };
}
export type RoleList = Awaited<ReturnType<typeof listRoles>>;

/** The roles the actor may hand out (invitations, role changes), as role refs with labels. */
export async function assignableRoles(db: Db, orgId: string, granter: Granter) {
  // Frozen below the tier: nobody is given a custom role (resolveRoleRef refuses it too).
  const frozen = !(await portalFeatureActive(db, orgId, 'rbac'));
  const custom = frozen ? [] : await db.role.findMany({ where: { orgId }, orderBy: { name: 'asc' }, select: { id: true, name: true, permissions: true } });
  const options = [
    ...BUILTIN_ROLE_KEYS.map((key) => ({ value: key as string, label: BUILTIN_ROLES[key].label, permissions: BUILTIN_ROLES[key].permissions as readonly OrgPermission[] })),
    ...custom.map((role) => ({ value: `custom:${role.id}`, label: role.name, permissions: customRolePermissions(role.permissions) })),
  ];
  return options.map((option) => ({ ...option, disabled: !coversRole(granter, { role: option.value, permissions: option.permissions }) }));
}

async function assertNameFree(tx: Db, orgId: string, name: string, exceptId?: string) {
  const builtin = BUILTIN_ROLE_KEYS.some((key) => key === name.toLowerCase() || BUILTIN_ROLES[key].label.toLowerCase() === name.toLowerCase());
  if (builtin) throw new ConflictError(`"${name}" is a built-in role; choose another name.`, 'name');
  const clash = await tx.role.findFirst({ where: { orgId, name: { equals: name, mode: 'insensitive' }, ...(exceptId ? { id: { not: exceptId } } : {}) }, select: { id: true } });
  if (clash) throw new ConflictError(`There is already a role called "${name}".`, 'name');
}

function assertWithinOwn(granter: Granter, permissions: readonly OrgPermission[], verb: string) {
  if (coversRole(granter, { role: CUSTOM_ROLE, permissions })) return;
  const missing = permissions.filter((permission) => !granter.permissions.includes(permission));
  throw new ValidationError(`You cannot ${verb} a role with permissions you do not hold: ${missing.join(', ')}.`, {
    permissions: [`You do not hold ${missing.join(', ')}.`],
  });
}

export async function createRole(actor: Actor, input: z.input<typeof roleFieldsSchema>) {
  const data = roleFieldsSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'roles.manage', { write: true });
    await requirePortalFeature(tx, access, 'rbac');
    assertWithinOwn(access.granter, data.permissions, 'create');
    await assertNameFree(tx, access.org.id, data.name);
    const role = await tx.role.create({ data: { orgId: access.org.id, name: data.name, description: data.description, permissions: data.permissions } });
    await recordAudit(tx, actor, { action: 'role.create', target: { type: 'role', id: role.id }, orgId: access.org.id, after: role });
    return role;
  });
}

async function findRole(tx: Db, orgId: string, roleId: string) {
  const role = await tx.role.findFirst({ where: { id: roleId, orgId } });
  if (!role) throw new NotFoundError('Role not found');
  return role;
}

export async function updateRole(actor: Actor, input: z.input<typeof updateRoleSchema>) {
  const data = updateRoleSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'roles.manage', { write: true, lock: true });
    // Frozen below the tier: holders keep the role as it is.
    await requirePortalFeature(tx, access, 'rbac');
    const before = await findRole(tx, access.org.id, data.roleId);
    assertWithinOwn(access.granter, customRolePermissions(before.permissions), 'edit');
    assertWithinOwn(access.granter, data.permissions, 'edit');
    await assertNameFree(tx, access.org.id, data.name, before.id);
    const role = await tx.role.update({ where: { id: before.id }, data: { name: data.name, description: data.description, permissions: data.permissions } });
    const holders = await tx.membership.count({ where: { customRoleId: role.id } });
    await recordAudit(tx, actor, { action: 'role.update', target: { type: 'role', id: role.id }, orgId: access.org.id, before, after: role, metadata: { holders } });
    return role;
  });
}

/** Refused while members or SSO group mappings use the role; its pending invitations are withdrawn with it. */
export async function deleteRole(actor: Actor, input: z.input<typeof roleRefSchema>) {
  const data = roleRefSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'roles.manage', { write: true, lock: true });
    const role = await findRole(tx, access.org.id, data.roleId);
    assertWithinOwn(access.granter, customRolePermissions(role.permissions), 'delete');
    // One after the other: a transaction is one connection, which runs one query at a time anyway.
    const holders = await tx.membership.count({ where: { customRoleId: role.id } });
    const mappings = await tx.ssoGroupRole.count({ where: { customRoleId: role.id } });
    if (holders > 0) throw new ConflictError(`${holders === 1 ? 'One member holds' : `${holders} members hold`} "${role.name}". Give them another role first.`);
    if (mappings > 0) throw new ConflictError(`"${role.name}" is used by ${mappings} SSO group mapping${mappings === 1 ? '' : 's'}. Change them first.`);
    const invitations = await tx.invitation.findMany({ where: { customRoleId: role.id, acceptedAt: null, revokedAt: null }, select: { id: true, email: true } });
    await tx.role.delete({ where: { id: role.id } });
    await recordAudit(tx, actor, {
      action: 'role.delete',
      target: { type: 'role', id: role.id },
      orgId: access.org.id,
      before: role,
      metadata: invitations.length > 0 ? { withdrawnInvitations: invitations } : undefined,
    });
    return role;
  });
}
