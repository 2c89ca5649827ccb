import 'server-only';
import { ConflictError, ForbiddenError } from '@/lib/platform/errors';
import { BUILTIN_ROLES, type OrgPermission } from './permissions';

/**
 * Who may give whom which role. Pure, so every path (portal, admin, SSO
 * group mapping, invitations, CLI) applies the same rules:
 *  - nobody grants a role that holds a permission they do not hold
 *    (built-in roles nest: viewer ⊂ editor ⊂ admin ⊂ owner);
 *  - nobody changes or removes a member whose role is above their own;
 *  - an organization never loses its last owner.
 * Vendor staff acting with `members` authority on a customer bypass the
 * first two rules but never the last.
 */

export interface HeldRole {
  /** Built-in key, or "custom". */
  role: string;
  permissions: readonly OrgPermission[];
}

export interface Granter extends HeldRole {
  staff?: boolean;
}

export function coversRole(holder: Granter, role: HeldRole): boolean {
  if (holder.staff) return true;
  return role.permissions.every((permission) => holder.permissions.includes(permission));
}

export function canGrant(granter: Granter, role: HeldRole): boolean {
  return coversRole(granter, role);
}

export function assertCanGrant(granter: Granter, role: HeldRole): void {
  if (!canGrant(granter, role)) {
    throw new ForbiddenError('You cannot grant a role with more access than your own.');
  }
}

export function isOwner(role: HeldRole): boolean {
  return role.role === 'owner';
}

/** Whether giving `target` the role `next` (null: removing them) leaves the organization without an owner. */
export function losesLastOwner(target: HeldRole, next: HeldRole | null, ownerCount: number): boolean {
  return isOwner(target) && !(next && isOwner(next)) && ownerCount <= 1;
}

export function assertCanChangeRole(options: {
  actor: Granter;
  target: HeldRole;
  next: HeldRole;
  ownerCount: number;
  self?: boolean;
}): void {
  const { actor, target, next, ownerCount, self } = options;
  if (!self && !coversRole(actor, target)) {
    throw new ForbiddenError('You cannot change the role of a member whose role is above your own.');
  }
  assertCanGrant(actor, next);
  if (losesLastOwner(target, next, ownerCount)) {
    throw new ConflictError('The last owner cannot be demoted. Make someone else an owner first.');
  }
}

export function assertCanRemove(options: { actor: Granter; target: HeldRole; ownerCount: number; self?: boolean }): void {
  const { actor, target, ownerCount, self } = options;
  if (!self && !coversRole(actor, target)) {
    throw new ForbiddenError('You cannot remove a member whose role is above your own.');
  }
  if (losesLastOwner(target, null, ownerCount)) {
    throw new ConflictError(
      self ? 'You are the last owner: make someone else an owner before leaving.' : 'The last owner cannot be removed.',
    );
  }
}

export function builtinRole(role: keyof typeof BUILTIN_ROLES): HeldRole {
  return { role, permissions: BUILTIN_ROLES[role].permissions };
}
