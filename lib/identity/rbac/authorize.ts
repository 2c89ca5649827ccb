import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { MfaRequiredError, satisfiesOrgMfa, satisfiesStaffMfa } from '@/lib/identity/auth/mfa-policy';
import type { Db, Organization } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import type { Granter } from './grants';
import { membershipPermissions, ORG_PERMISSIONS, staffCan, type OrgPermission, type StaffPermission } from './permissions';

export function hasStaffPermission(actor: Actor, permission: StaffPermission): boolean {
  return staffCan(actor.staffRole, permission);
}

/**
 * For staff-only services: call it first, before reading anything the caller
 * named, so every non-staff caller gets the same 403 whether the customer,
 * token or license exists or not (no enumeration of the vendor's customers).
 */
export function assertStaffPermission(actor: Actor, permission: StaffPermission): void {
  if (!actor.staffRole) throw new ForbiddenError('This is available to vendor staff only.');
  if (!staffCan(actor.staffRole, permission)) {
    throw new ForbiddenError(`Your staff role does not allow this (${permission}).`);
  }
  assertStaffMfa(actor);
}

/**
 * Staff power needs a second factor: a staff member acting through a
 * password session without MFA is refused every staff permission until they
 * enrol (lib/identity/auth/mfa-policy.ts; SSO sessions leave it to the IdP). Actors
 * with no browser session (the CLI, system jobs) are not sessions at all.
 */
export function assertStaffMfa(actor: Actor): void {
  if (actor.kind === 'user' && actor.session && !satisfiesStaffMfa(actor.session)) throw new MfaRequiredError('staff');
}

export interface OrgAccess {
  org: Organization;
  /** The actor's membership, if they are a member (staff usually are not). */
  membershipId: string | null;
  role: string | null;
  customRoleId: string | null;
  permissions: readonly OrgPermission[];
  viaStaff: boolean;
}

/**
 * The one gate for anything inside a customer's organization. A vendor staff
 * member passes with the given staff permission; anyone else must be a member
 * holding the org permission. A non-member gets 404, exactly as for an org
 * that does not exist, so ids from another tenant reveal nothing. A call that
 * names no org permission is staff-only: anyone else is refused (403) before
 * the org is looked up.
 */
export async function authorizeOrg(
  db: Db,
  actor: Actor,
  orgRef: { id: string } | { slug: string },
  need: { org?: OrgPermission; staff?: StaffPermission },
): Promise<OrgAccess> {
  if (!need.org) {
    if (!need.staff) throw new ForbiddenError('This is available to vendor staff only.');
    assertStaffPermission(actor, need.staff);
  }
  const org = await db.organization.findUnique({ where: 'id' in orgRef ? { id: orgRef.id } : { slug: orgRef.slug } });
  if (!org) throw new NotFoundError('Organization not found');

  if (need.staff && staffCan(actor.staffRole, need.staff)) {
    assertStaffMfa(actor);
    return { org, membershipId: null, role: null, customRoleId: null, permissions: ORG_PERMISSIONS, viaStaff: true };
  }
  if (actor.userId && need.org) {
    const membership = await db.membership.findUnique({
      where: { userId_orgId: { userId: actor.userId, orgId: org.id } },
      include: { customRole: { select: { permissions: true } } },
    });
    if (membership) {
      // An org that requires MFA lets its password members in only once they have it (lib/identity/auth/mfa-policy.ts).
      if (org.mfaRequired && actor.kind === 'user' && actor.session && !satisfiesOrgMfa(actor.session)) throw new MfaRequiredError('organization', org.name);
      const permissions = membershipPermissions(membership.role, membership.customRole?.permissions);
      if (!permissions.includes(need.org)) throw new ForbiddenError('Your role does not allow this.');
      return {
        org,
        membershipId: membership.id,
        role: membership.role,
        customRoleId: membership.customRoleId,
        permissions,
        viaStaff: false,
      };
    }
  }
  if (actor.staffRole && need.staff) throw new ForbiddenError(`Your staff role does not allow this (${need.staff}).`);
  throw new NotFoundError('Organization not found');
}

/** Who is acting, for the grant rules in ./grants: staff pass them, members hold their role's permissions. */
export function granterOf(access: Pick<OrgAccess, 'role' | 'permissions' | 'viaStaff'>): Granter {
  return { role: access.role ?? 'staff', permissions: access.permissions, staff: access.viaStaff };
}
