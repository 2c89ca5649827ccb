import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { staffCan } from '@/lib/identity/rbac/permissions';
import { ssoConnectionViews, VIEW } from './connections';
import { txtRecordName, txtRecordValue } from './domains';
import { readTestResult } from './flow';
import { acsUrl, oidcRedirectUrl, spEntityId, SSO_PATHS } from './jackson';
import { publicUrl } from '@/lib/platform/config/public-url';

/** Everything the SSO settings page shows, for the portal and the staff dashboard alike; authorized once, here. */
export async function loadSsoSettings(actor: Actor, orgId: string, testResult?: string | null) {
  const { org, viaStaff, permissions } = await authorizeOrg(prisma, actor, { id: orgId }, VIEW);
  const [connections, domains, groupRoles, customRoles] = await Promise.all([
    ssoConnectionViews(org.id),
    prisma.orgDomain.findMany({ where: { orgId: org.id }, orderBy: { domain: 'asc' } }),
    prisma.ssoGroupRole.findMany({ where: { orgId: org.id }, include: { customRole: { select: { name: true } } }, orderBy: { groupName: 'asc' } }),
    prisma.role.findMany({ where: { orgId: org.id }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),
  ]);
  const test = readTestResult(testResult);
  return {
    org: { id: org.id, slug: org.slug, name: org.name },
    sp: {
      entityId: spEntityId(),
      acsUrl: acsUrl(),
      oidcRedirectUrl: oidcRedirectUrl(),
      metadataUrl: `${publicUrl()}${SSO_PATHS.metadata}`,
    },
    connections: connections.map((c) => ({ ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() })),
    domains: domains.map((d) => ({
      id: d.id,
      domain: d.domain,
      verifiedAt: d.verifiedAt?.toISOString() ?? null,
      verifiedBy: d.verifiedBy === 'dns' ? 'dns' : d.verifiedBy ? 'staff' : null,
      txtName: txtRecordName(d.domain),
      txtValue: txtRecordValue(d.verificationToken),
    })),
    policy: {
      ssoRequired: org.ssoRequired,
      defaultRole: org.defaultRole,
      groupRoles: groupRoles.map((g) => ({ id: g.id, groupName: g.groupName, role: g.role, customRoleName: g.customRole?.name ?? null })),
    },
    customRoles,
    testResult: test && connections.some((c) => c.id === test.connectionId) ? test : null,
    staff: {
      viewing: viaStaff,
      canApprove: viaStaff && staffCan(actor.staffRole, 'sso.manage'),
      canManage: !viaStaff || staffCan(actor.staffRole, 'sso.manage'),
      // Adding or changing an IdP is the owner's (lib/identity/sso/connections.ts MANAGE_CONNECTIONS).
      canManageConnections: viaStaff ? staffCan(actor.staffRole, 'sso.manage') : permissions.includes('sso.connections'),
    },
  };
}

export type SsoSettingsData = Awaited<ReturnType<typeof loadSsoSettings>>;
