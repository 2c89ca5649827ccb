import 'server-only';
/**
 * Every permission is a typed `resource.action` string. Two families:
 * staff permissions (the vendor's people, across all customers) and org
 * permissions (a customer's people, within their own organization).
 * This module is the one place that maps roles to permissions.
 */

export const STAFF_PERMISSIONS = [
  'customers.view',
  'customers.create',
  'customers.update',
  'customers.deactivate',
  'repositories.view',
  'repositories.manage', // register repositories, upstream credentials
  'grants.manage',
  'tokens.view',
  'tokens.create',
  'tokens.rotate',
  'tokens.revoke',
  'tokens.revoke_all',
  'templates.manage',
  'checklist.update',
  'licenses.view',
  'licenses.issue',
  'licenses.revoke',
  'signing_keys.manage',
  'features.manage',
  'stats.view',
  'audit.view',
  'audit.export',
  'billing.view',
  'billing.manage',
  'sso.manage',
  'staff.manage',
  'settings.manage',
] as const;
export type StaffPermission = (typeof STAFF_PERMISSIONS)[number];

export const STAFF_ROLES = {
  'staff-admin': {
    label: 'Staff admin',
    description: 'Everything, including revoking all of a customer\'s tokens, deactivation, templates, upstream credentials and signing keys.',
    permissions: STAFF_PERMISSIONS,
  },
  'staff-support': {
    label: 'Support',
    description: 'Views everything, onboards customers, mints and rotates tokens, issues licenses.',
    permissions: [
      'customers.view',
      'customers.create',
      'customers.update',
      'repositories.view',
      'grants.manage',
      'tokens.view',
      'tokens.create',
      'tokens.rotate',
      'tokens.revoke',
      'checklist.update',
      'licenses.view',
      'licenses.issue',
      'stats.view',
      'audit.view',
      'billing.view',
      'sso.manage',
    ],
  },
  'staff-billing': {
    label: 'Billing',
    description: 'Views customers and manages their billing state and manual tiers.',
    permissions: ['customers.view', 'licenses.view', 'stats.view', 'audit.view', 'billing.view', 'billing.manage'],
  },
} as const satisfies Record<string, { label: string; description: string; permissions: readonly StaffPermission[] }>;

export type StaffRole = keyof typeof STAFF_ROLES;
export const STAFF_ROLE_KEYS = Object.keys(STAFF_ROLES) as StaffRole[];

export const ORG_PERMISSIONS = [
  'org.view',
  'org.settings', // see the settings area
  'org.update',
  'instructions.view',
  'instructions.download',
  'tokens.view',
  'tokens.rotate',
  'licenses.view',
  'licenses.download',
  'pulls.view',
  'members.view',
  'members.invite',
  'members.manage', // change roles, remove
  'teams.manage',
  'roles.manage',
  'sso.manage', // domains, sign-in policy, group mappings; see and test connections
  'sso.connections', // add, edit, remove identity providers: whoever holds it can sign in as the org's people
  'billing.view',
  'billing.manage',
  'audit.view',
  'siem.manage',
] as const;
export type OrgPermission = (typeof ORG_PERMISSIONS)[number];

export const ORG_PERMISSION_LABELS: Record<OrgPermission, string> = {
  'org.view': 'View the organization overview',
  'org.settings': 'Open organization settings',
  'org.update': 'Edit organization details',
  'instructions.view': 'View install instructions',
  'instructions.download': 'Download install instructions',
  'tokens.view': 'View registry tokens',
  'tokens.rotate': 'Rotate registry tokens',
  'licenses.view': 'View licenses',
  'licenses.download': 'Download licenses',
  'pulls.view': 'View pull activity',
  'members.view': 'View members and teams',
  'members.invite': 'Invite members',
  'members.manage': 'Change roles and remove members',
  'teams.manage': 'Manage teams',
  'roles.manage': 'Manage custom roles',
  'sso.manage': 'Manage SSO domains, sign-in policy and group mappings',
  'sso.connections': 'Add, edit and remove SSO connections (identity providers)',
  'billing.view': 'View billing',
  'billing.manage': 'Change plan and payment details',
  'audit.view': 'View the audit log',
  'siem.manage': 'Configure audit streaming',
};

const VIEWER: readonly OrgPermission[] = [
  'org.view',
  'instructions.view',
  'instructions.download',
  'licenses.view',
  'pulls.view',
  'members.view',
];
const EDITOR: readonly OrgPermission[] = [...VIEWER, 'tokens.view', 'tokens.rotate', 'licenses.download'];
// An identity provider vouches for the org's people, so adding or changing one is an owner's power
// (or a custom role an owner built with it): an admin with their own IdP could otherwise sign in as anyone.
const ADMIN: readonly OrgPermission[] = ORG_PERMISSIONS.filter((p) => p !== 'billing.manage' && p !== 'sso.connections');

export const BUILTIN_ROLES = {
  owner: { label: 'Owner', rank: 4, permissions: ORG_PERMISSIONS, description: 'Full control, including billing and SSO connections.' },
  admin: { label: 'Admin', rank: 3, permissions: ADMIN, description: 'Manages people, SSO domains and policy, roles and settings.' },
  editor: { label: 'Editor', rank: 2, permissions: EDITOR, description: 'Installs the product: tokens, licenses, instructions.' },
  viewer: { label: 'Viewer', rank: 1, permissions: VIEWER, description: 'Reads instructions, licenses and activity.' },
} as const satisfies Record<string, { label: string; rank: number; permissions: readonly OrgPermission[]; description: string }>;

export type BuiltinRole = keyof typeof BUILTIN_ROLES;
export const BUILTIN_ROLE_KEYS = Object.keys(BUILTIN_ROLES) as BuiltinRole[];
/** Stored in memberships.role when the member holds a custom role. */
export const CUSTOM_ROLE = 'custom';

export function isBuiltinRole(value: string): value is BuiltinRole {
  return Object.hasOwn(BUILTIN_ROLES, value);
}

export function isStaffRole(value: string | null | undefined): value is StaffRole {
  return !!value && Object.hasOwn(STAFF_ROLES, value);
}

export function isOrgPermission(value: string): value is OrgPermission {
  return (ORG_PERMISSIONS as readonly string[]).includes(value);
}

export function staffPermissions(role: StaffRole | null | undefined): readonly StaffPermission[] {
  return role ? STAFF_ROLES[role].permissions : [];
}

export function staffCan(role: StaffRole | null | undefined, permission: StaffPermission): boolean {
  return staffPermissions(role).includes(permission);
}

/** The permissions a membership grants: a built-in role's, or a custom role's (unknown strings dropped). */
export function membershipPermissions(role: string, customPermissions?: readonly string[] | null): readonly OrgPermission[] {
  if (isBuiltinRole(role)) return BUILTIN_ROLES[role].permissions;
  // A custom membership whose role row is missing grants nothing.
  if (role !== CUSTOM_ROLE || !customPermissions) return [];
  return customRolePermissions(customPermissions);
}

/** Every member sees their org's overview, so a custom role always holds `org.view`; unknown strings are dropped. */
export const IMPLIED_PERMISSIONS: readonly OrgPermission[] = ['org.view'];

export function customRolePermissions(permissions: readonly string[]): OrgPermission[] {
  const wanted = new Set([...IMPLIED_PERMISSIONS, ...permissions]);
  return ORG_PERMISSIONS.filter((permission) => wanted.has(permission));
}
