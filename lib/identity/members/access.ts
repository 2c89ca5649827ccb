import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import type { Db } from '@/lib/platform/db/client';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { authorizeOrg, granterOf, type OrgAccess } from '@/lib/identity/rbac/authorize';
import type { Granter } from '@/lib/identity/rbac/grants';
import type { OrgPermission, StaffPermission } from '@/lib/identity/rbac/permissions';

/** Staff act on a customer's people with these staff permissions. */
export const STAFF_VIEW: StaffPermission = 'customers.view';
export const STAFF_MANAGE: StaffPermission = 'customers.update';

export interface PeopleAccess extends OrgAccess {
  granter: Granter;
}

/**
 * The gate for member, invitation, team and role services: a member with
 * `permission`, or staff with the matching staff permission. Write paths pass
 * `lock` to serialize changes to one org's people (owner counts, seat quota).
 */
export async function authorizePeople(
  tx: Db,
  actor: Actor,
  orgId: string,
  permission: OrgPermission,
  options: { write?: boolean; lock?: boolean } = {},
): Promise<PeopleAccess> {
  const access = await authorizeOrg(tx, actor, { id: orgId }, { org: permission, staff: options.write ? STAFF_MANAGE : STAFF_VIEW });
  if (options.lock) await lockOrg(tx, access.org.id);
  return { ...access, granter: granterOf(access) };
}

export async function countOwners(tx: Db, orgId: string): Promise<number> {
  return tx.membership.count({ where: { orgId, role: 'owner' } });
}
