import 'server-only';
import { customerOrganization } from '@/lib/identity/audit/customer-view';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { seatStatus } from '@/lib/identity/members/seats';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { BUILTIN_ROLES, isBuiltinRole, type OrgPermission } from '@/lib/identity/rbac/permissions';

export type QuickAction = { label: string; description: string; path: string; permission: OrgPermission };

const ROTATE_TOKEN: QuickAction = { label: 'Rotate the registry token', description: 'Mint a successor; the old one keeps working for an overlap.', path: '/install#tokens', permission: 'tokens.rotate' };
/** Customers cannot mint tokens (the vendor's staff do), so with none active the next step is to ask. */
const GET_TOKEN: QuickAction = {
  label: 'Get a registry token',
  description: 'You have no active token. Ask your vendor contact for one, then follow the install instructions.',
  path: '/install#tokens',
  permission: 'tokens.view',
};

/** Offered on the overview, each only to members holding its permission; the token step depends on whether a token is active. */
export const QUICK_ACTIONS: readonly (QuickAction | 'token')[] = [
  { label: 'Install the product', description: 'Registry secret, Helm and manifests, ready to paste.', path: '/install', permission: 'instructions.view' },
  'token',
  { label: 'Download the license', description: 'The signed license file your installation reads.', path: '/licenses', permission: 'licenses.download' },
  { label: 'See pull activity', description: 'Which images your clusters pulled, and any denials.', path: '/activity', permission: 'pulls.view' },
  { label: 'Invite a teammate', description: 'Send an invitation link by email.', path: '/team', permission: 'members.invite' },
];

export function quickActionsFor(permissions: readonly OrgPermission[], activeTokens: number): QuickAction[] {
  return QUICK_ACTIONS.map((action) => (action === 'token' ? (activeTokens > 0 ? ROTATE_TOKEN : GET_TOKEN) : action)).filter((action) => permissions.includes(action.permission));
}

/** What the portal's overview shows: the subscription, the member's role, and what they may do next. */
export async function portalOverview(actor: Actor, orgId: string) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, { org: 'org.view', staff: 'customers.view' });
  const { org, permissions } = access;
  const can = (permission: OrgPermission) => permissions.includes(permission);
  const [seats, customRole, activeTokens] = await Promise.all([
    can('members.view') ? seatStatus(prisma, org.id) : null,
    access.customRoleId ? prisma.role.findFirst({ where: { id: access.customRoleId, orgId: org.id }, select: { name: true } }) : null,
    prisma.registryToken.count({ where: { orgId: org.id, revokedAt: null, expiresAt: { gt: new Date() } } }),
  ]);
  const roleLabel = access.viaStaff ? 'Vendor staff' : access.role && isBuiltinRole(access.role) ? BUILTIN_ROLES[access.role].label : (customRole?.name ?? 'Custom role');
  return {
    org: customerOrganization(org),
    roleLabel,
    seats,
    activeTokens: can('tokens.view') ? activeTokens : null,
    quickActions: quickActionsFor(permissions, activeTokens),
  };
}
