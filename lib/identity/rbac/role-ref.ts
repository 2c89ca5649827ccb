import 'server-only';
import type { Db } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';
import type { HeldRole } from './grants';
import { BUILTIN_ROLE_KEYS, BUILTIN_ROLES, CUSTOM_ROLE, customRolePermissions, isBuiltinRole, type BuiltinRole } from './permissions';
import { requireFeature } from '@/lib/plans/license';

/**
 * How forms, invitations and SSO group mappings name a role in one string:
 * a built-in key (`admin`) or `custom:<role id>`.
 */
export type RoleRef = { kind: 'builtin'; role: BuiltinRole } | { kind: 'custom'; roleId: string };

const CUSTOM_PREFIX = 'custom:';

export function parseRoleRef(value: string): RoleRef | null {
  if (isBuiltinRole(value)) return { kind: 'builtin', role: value };
  if (value.startsWith(CUSTOM_PREFIX) && value.length > CUSTOM_PREFIX.length) return { kind: 'custom', roleId: value.slice(CUSTOM_PREFIX.length) };
  return null;
}

export function roleRefString(holder: { role: string; customRoleId: string | null }): string {
  return holder.role === CUSTOM_ROLE && holder.customRoleId ? `${CUSTOM_PREFIX}${holder.customRoleId}` : holder.role;
}

export interface ResolvedRole extends HeldRole {
  /** What memberships.role stores. */
  role: string;
  customRoleId: string | null;
  label: string;
}

export function builtinResolved(role: BuiltinRole): ResolvedRole {
  return { role, customRoleId: null, label: BUILTIN_ROLES[role].label, permissions: BUILTIN_ROLES[role].permissions };
}

/** A membership-like row (with its custom role loaded) as a ResolvedRole. */
export function resolvedOf(holder: { role: string; customRoleId: string | null; customRole?: { name: string; permissions: string[] } | null }): ResolvedRole {
  if (isBuiltinRole(holder.role)) return builtinResolved(holder.role);
  return {
    role: CUSTOM_ROLE,
    customRoleId: holder.customRoleId,
    label: holder.customRole?.name ?? 'Custom role',
    permissions: holder.customRole ? customRolePermissions(holder.customRole.permissions) : [],
  };
}

/**
 * Turns a role reference from the client into a role of `orgId`. A custom
 * role id is unverified until this scoped query finds it: another org's role
 * is reported exactly like one that does not exist.
 */
export async function resolveRoleRef(db: Db, orgId: string, value: string, field = 'role'): Promise<ResolvedRole> {
  const ref = parseRoleRef(value);
  if (!ref) throw ValidationError.field(field, `Choose one of ${BUILTIN_ROLE_KEYS.join(', ')} or a custom role.`);
  if (ref.kind === 'builtin') return builtinResolved(ref.role);
  const custom = await db.role.findFirst({ where: { id: ref.roleId, orgId }, select: { id: true, name: true, permissions: true } });
  // Only a tampered form names another org's role: answer as for any foreign id.
  if (!custom) throw new NotFoundError('That custom role does not exist in this organization.');
  // Custom roles are frozen below the tier that includes them: holders keep theirs, nobody is given one.
  await requireFeature(db, orgId, 'rbac');
  return { role: CUSTOM_ROLE, customRoleId: custom.id, label: custom.name, permissions: customRolePermissions(custom.permissions) };
}
