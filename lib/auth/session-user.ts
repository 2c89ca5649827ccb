import { prisma } from '@/lib/db/client';
import { isStaffRole, type StaffRole } from '@/lib/rbac/permissions';

export interface SessionMembership {
  orgId: string;
  orgSlug: string;
  orgName: string;
  role: string;
  customRoleId: string | null;
}

/**
 * What a signed-in session carries. The same shape whatever signed the user
 * in (password today, SAML/OIDC through Jackson later): `authMethod` is the
 * only difference.
 */
export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  staffRole: StaffRole | null;
  memberships: SessionMembership[];
  authMethod: string;
}

/** Read fresh on every request, so a disabled user or a changed role takes effect at once. */
export async function loadSessionUser(userId: string, authMethod = 'password'): Promise<SessionUser | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    include: {
      memberships: {
        where: { org: { status: { not: 'deactivated' } } },
        include: { org: { select: { slug: true, name: true } } },
        orderBy: { createdAt: 'asc' },
      },
    },
  });
  if (!user || user.disabledAt) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    staffRole: isStaffRole(user.staffRole) ? user.staffRole : null,
    authMethod,
    memberships: user.memberships.map((m) => ({
      orgId: m.orgId,
      orgSlug: m.org.slug,
      orgName: m.org.name,
      role: m.role,
      customRoleId: m.customRoleId,
    })),
  };
}
