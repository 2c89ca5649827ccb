import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import { prisma, type Organization } from '@/lib/db/client';
import { BUILTIN_ROLES, CUSTOM_ROLE, isBuiltinRole } from '@/lib/rbac/permissions';
import { SsoError } from './errors';

/**
 * Just-in-time provisioning: the first SSO sign-in creates the user and a
 * membership with the org's default role (or the role its IdP groups map
 * to); later sign-ins keep a mapped role in step with the IdP's groups.
 */

export interface SsoProfile {
  /** The IdP's stable subject (NameID / sub). */
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  groups?: string[];
  roles?: string[];
}

export interface ProvisionInput {
  org: Organization;
  /** Jackson client id of the connection that vouched for the user. */
  provider: string;
  protocol: 'saml' | 'oidc';
  profile: SsoProfile;
  ip?: string | null;
  userAgent?: string | null;
}

type RoleChoice = { role: string; customRoleId: string | null; group: string | null };

/** The highest built-in role among the mapped groups; a custom role only when no built-in one matches. */
async function roleFor(org: Organization, groups: string[]): Promise<RoleChoice | null> {
  if (groups.length === 0) return null;
  const mappings = await prisma.ssoGroupRole.findMany({ where: { orgId: org.id, groupName: { in: groups } }, orderBy: { groupName: 'asc' } });
  let best: RoleChoice | null = null;
  let bestRank = 0;
  for (const mapping of mappings) {
    const rank = isBuiltinRole(mapping.role) ? BUILTIN_ROLES[mapping.role].rank : 0.5;
    if (!best || rank > bestRank) {
      best = { role: mapping.role, customRoleId: mapping.role === CUSTOM_ROLE ? mapping.customRoleId : null, group: mapping.groupName };
      bestRank = rank;
    }
  }
  return best;
}

function displayName(profile: SsoProfile): string | null {
  const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ').trim();
  return name || null;
}

export async function provisionSsoUser(input: ProvisionInput): Promise<{ userId: string; createdUser: boolean; createdMembership: boolean }> {
  const { org, provider, protocol, profile } = input;
  const email = profile.email?.trim().toLowerCase();
  if (!email || !email.includes('@')) throw new SsoError('no_email');
  if (!profile.id) throw new SsoError('no_subject');
  if (org.status === 'deactivated') throw new SsoError('org_inactive');

  const identity = await prisma.ssoIdentity.findUnique({ where: { provider_subject: { provider, subject: profile.id } }, include: { user: true } });
  if (!identity) {
    // An IdP may only vouch for addresses in its org's verified domains;
    // otherwise one customer's IdP could sign in as another customer's user.
    const domain = email.split('@')[1]!;
    const verified = await prisma.orgDomain.findFirst({ where: { orgId: org.id, domain, verifiedAt: { not: null } }, select: { id: true } });
    if (!verified) throw new SsoError('domain_not_verified');
  }

  const groups = [...new Set([...(profile.groups ?? []), ...(profile.roles ?? [])].map(String))];
  const mapped = await roleFor(org, groups);

  return prisma.$transaction(async (tx) => {
    let user = identity?.user ?? (await tx.user.findUnique({ where: { email } }));
    let createdUser = false;
    if (user?.disabledAt) throw new SsoError('user_disabled');
    if (user?.staffRole) throw new SsoError('staff_account');
    const actorFor = (userId: string): Actor => ({ kind: 'user', userId, label: email, staffRole: null, ip: input.ip, userAgent: input.userAgent });

    if (!user) {
      user = await tx.user.create({ data: { email, name: displayName(profile) } });
      createdUser = true;
      await recordAudit(tx, actorFor(user.id), {
        action: 'user.create',
        target: { type: 'user', id: user.id },
        orgId: org.id,
        after: { email, name: user.name },
        metadata: { via: 'sso_jit', protocol },
      });
    }
    const actor = actorFor(user.id);
    if (!identity) {
      const link = await tx.ssoIdentity.create({ data: { userId: user.id, provider, subject: profile.id } });
      await recordAudit(tx, actor, { action: 'sso.identity_link', target: { type: 'sso_identity', id: link.id }, orgId: org.id, after: { provider, subject: profile.id, email } });
    }

    const membership = await tx.membership.findUnique({ where: { userId_orgId: { userId: user.id, orgId: org.id } } });
    let createdMembership = false;
    if (!membership) {
      const choice = mapped ?? { role: isBuiltinRole(org.defaultRole) ? org.defaultRole : 'viewer', customRoleId: null, group: null };
      const created = await tx.membership.create({ data: { userId: user.id, orgId: org.id, role: choice.role, customRoleId: choice.customRoleId } });
      createdMembership = true;
      await recordAudit(tx, actor, {
        action: 'membership.create',
        target: { type: 'membership', id: created.id },
        orgId: org.id,
        after: { userId: user.id, email, role: created.role, customRoleId: created.customRoleId },
        metadata: { via: 'sso_jit', group: choice.group },
      });
    } else if (mapped && (mapped.role !== membership.role || mapped.customRoleId !== membership.customRoleId)) {
      // The IdP's groups are the source of truth for mapped roles, but never at the cost of the last owner.
      const owners = membership.role === 'owner' ? await tx.membership.count({ where: { orgId: org.id, role: 'owner' } }) : 2;
      if (owners > 1) {
        const updated = await tx.membership.update({ where: { id: membership.id }, data: { role: mapped.role, customRoleId: mapped.customRoleId } });
        await recordAudit(tx, actor, {
          action: 'membership.role_change',
          target: { type: 'membership', id: membership.id },
          orgId: org.id,
          before: { role: membership.role, customRoleId: membership.customRoleId },
          after: { role: updated.role, customRoleId: updated.customRoleId },
          metadata: { via: 'sso_group_mapping', group: mapped.group },
        });
      }
    }

    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date(), ...(user.name ? {} : { name: displayName(profile) }) } });
    await recordAudit(tx, actor, {
      action: 'auth.sign_in',
      target: { type: 'user', id: user.id },
      orgId: org.id,
      metadata: { method: protocol, provider },
    });
    return { userId: user.id, createdUser, createdMembership };
  });
}
