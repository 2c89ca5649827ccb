import 'server-only';
import type { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';
import { authorizeOrg, granterOf } from '@/lib/identity/rbac/authorize';
import { assertCanGrant } from '@/lib/identity/rbac/grants';
import { BUILTIN_ROLES, isBuiltinRole } from '@/lib/identity/rbac/permissions';
import { resolveRoleRef } from '@/lib/identity/rbac/role-ref';
import { MANAGE } from './connections';
import { groupRoleSchema, ssoPolicySchema } from './schemas';
import { requirePortalFeature } from '@/lib/plans/portal-gate';

/**
 * How SSO applies to an org: the role JIT-provisioned people get, group mappings, and whether SSO is
 * required. SSO never grants the owner role, neither as the default nor through a group: an owner can
 * change connections and billing, and the IdP's groups are edited by whoever runs the IdP.
 */

export async function updateSsoPolicy(actor: Actor, orgId: string, raw: z.input<typeof ssoPolicySchema>) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE);
  await requirePortalFeature(prisma, access, 'sso');
  const { org } = access;
  const input = ssoPolicySchema.parse(raw);
  if (!isBuiltinRole(input.defaultRole)) throw ValidationError.field('defaultRole', 'Choose a role.');
  if (input.defaultRole !== org.defaultRole) {
    try {
      assertCanGrant(granterOf(access), { role: input.defaultRole, permissions: BUILTIN_ROLES[input.defaultRole].permissions });
    } catch {
      throw ValidationError.field('defaultRole', 'You cannot make a role with more access than your own the default.');
    }
  }
  if (input.ssoRequired && !org.ssoRequired) {
    // Requiring SSO without a way in would lock the whole org out.
    const [domains, connections] = await Promise.all([
      prisma.orgDomain.count({ where: { orgId: org.id, verifiedAt: { not: null } } }),
      prisma.ssoConnection.count({ where: { orgId: org.id } }),
    ]);
    if (!domains || !connections) {
      throw ValidationError.field('ssoRequired', 'Add an SSO connection and verify at least one domain before requiring SSO.');
    }
  }
  return prisma.$transaction(async (tx) => {
    const saved = await tx.organization.update({ where: { id: org.id }, data: { ssoRequired: input.ssoRequired, defaultRole: input.defaultRole } });
    await recordAudit(tx, actor, {
      action: 'sso.policy_update',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      before: { ssoRequired: org.ssoRequired, defaultRole: org.defaultRole },
      after: { ssoRequired: saved.ssoRequired, defaultRole: saved.defaultRole },
    });
    return saved;
  });
}

export async function setGroupRole(actor: Actor, orgId: string, raw: z.input<typeof groupRoleSchema>) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE);
  await requirePortalFeature(prisma, access, 'sso');
  const input = groupRoleSchema.parse(raw);
  return prisma.$transaction(async (tx) => {
    // Another org's custom role answers 404, as for any foreign id.
    const role = await resolveRoleRef(tx, access.org.id, input.role);
    try {
      assertCanGrant(granterOf(access), role);
    } catch {
      throw ValidationError.field('role', 'You cannot map a group to a role with more access than your own.');
    }
    const before = await tx.ssoGroupRole.findUnique({ where: { orgId_groupName: { orgId: access.org.id, groupName: input.groupName } } });
    const saved = await tx.ssoGroupRole.upsert({
      where: { orgId_groupName: { orgId: access.org.id, groupName: input.groupName } },
      update: { role: role.role, customRoleId: role.customRoleId },
      create: { orgId: access.org.id, groupName: input.groupName, role: role.role, customRoleId: role.customRoleId },
    });
    await recordAudit(tx, actor, {
      action: 'sso.group_role_set',
      target: { type: 'sso_group_role', id: saved.id },
      orgId: access.org.id,
      before: before ? { groupName: before.groupName, role: before.role, customRoleId: before.customRoleId } : undefined,
      after: { groupName: saved.groupName, role: saved.role, customRoleId: saved.customRoleId, roleLabel: role.label },
    });
    return saved;
  });
}

export async function removeGroupRole(actor: Actor, orgId: string, groupRoleId: string) {
  const { org } = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE);
  const row = await prisma.ssoGroupRole.findFirst({ where: { id: groupRoleId, orgId: org.id } });
  if (!row) throw new NotFoundError('Group mapping not found');
  await prisma.$transaction(async (tx) => {
    await tx.ssoGroupRole.delete({ where: { id: row.id } });
    await recordAudit(tx, actor, {
      action: 'sso.group_role_remove',
      target: { type: 'sso_group_role', id: row.id },
      orgId: org.id,
      before: { groupName: row.groupName, role: row.role, customRoleId: row.customRoleId },
    });
  });
}

