import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db, type Organization } from '@/lib/platform/db/client';
import { QuotaExceededError } from '@/lib/plans/errors';
import { log } from '@/lib/platform/log';
import { countOwners } from '@/lib/identity/members/access';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { assertSeatAvailable } from '@/lib/identity/members/seats';
import { losesLastOwner } from '@/lib/identity/rbac/grants';
import { BUILTIN_ROLES, isBuiltinRole } from '@/lib/identity/rbac/permissions';
import { builtinResolved, resolvedOf, resolveRoleRef, roleRefString, type ResolvedRole } from '@/lib/identity/rbac/role-ref';
import { SsoError, SsoLinkRequired } from './errors';
import { SSO_GRANTABLE_ROLES } from './schemas';

/**
 * Just-in-time provisioning: the first SSO sign-in creates the user and a
 * membership with the org's default role (or the role its IdP groups map
 * to); later sign-ins keep a mapped role in step with the IdP's groups.
 * Everything runs under the org's people lock (lib/identity/members/access), like
 * invitations and role changes, so the seat quota and the last owner hold
 * against concurrent sign-ins and membership changes.
 *
 * An IdP is configured by someone in the org, so what it says is trusted
 * only as far as that person could act anyway:
 * - a new identity is linked silently only to an account nobody else
 *   could be using: no password, no membership in another org, not an
 *   owner here. Anyone else confirms the link by proving their password
 *   (lib/identity/sso/link.ts); until then the sign-in is refused (link_required);
 * - SSO never makes anyone an owner (a mapping or default naming owner
 *   grants nothing) and never changes an owner's role.
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
  /** The account whose holder just proved their password to link this identity (lib/identity/sso/link.ts). */
  confirmedUserId?: string;
}

type RoleChoice = ResolvedRole & { group: string | null };

/**
 * The highest built-in role among the mapped groups; a custom role only when
 * no built-in one matches. Each mapping is resolved inside the org like any
 * role reference from a form, so a mapping naming another org's role grants nothing.
 */
async function roleFor(tx: Db, orgId: string, groups: string[]): Promise<RoleChoice | null> {
  if (groups.length === 0) return null;
  const mappings = await tx.ssoGroupRole.findMany({ where: { orgId, groupName: { in: groups } }, orderBy: { groupName: 'asc' } });
  let best: RoleChoice | null = null;
  let bestRank = 0;
  for (const mapping of mappings) {
    let role: ResolvedRole;
    try {
      role = await resolveRoleRef(tx, orgId, roleRefString(mapping));
    } catch (error) {
      log.warn({ err: error, orgId, group: mapping.groupName }, 'SSO group mapping names no role of this org; ignored');
      continue;
    }
    if (role.role === 'owner') {
      log.warn({ orgId, group: mapping.groupName }, 'SSO group mapping names the owner role; ignored');
      continue;
    }
    const rank = isBuiltinRole(role.role) ? BUILTIN_ROLES[role.role].rank : 0.5;
    if (!best || rank > bestRank) {
      best = { ...role, group: mapping.groupName };
      bestRank = rank;
    }
  }
  return best;
}

/** Why linking a new identity to this existing account needs its holder's confirmation, or null. */
async function linkNeedsConfirmation(tx: Db, user: { id: string }, orgId: string): Promise<'password' | 'other_membership' | 'owner' | null> {
  const [withPassword, elsewhere, owner] = await Promise.all([
    tx.user.count({ where: { id: user.id, passwordHash: { not: null } } }),
    tx.membership.count({ where: { userId: user.id, orgId: { not: orgId } } }),
    tx.membership.count({ where: { userId: user.id, orgId, role: 'owner' } }),
  ]);
  if (withPassword) return 'password';
  if (elsewhere) return 'other_membership';
  if (owner) return 'owner';
  return null;
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
  const groups = [...new Set([...(profile.groups ?? []), ...(profile.roles ?? [])].map(String))];
  const actorFor = (userId: string | null): Actor => ({ kind: 'user', userId, label: email, staffRole: null, ip: input.ip, userAgent: input.userAgent });

  const outcome = await prisma.$transaction(async (tx) => {
    await lockOrg(tx, org.id);
    const identity = await tx.ssoIdentity.findUnique({ where: { provider_subject: { provider, subject: profile.id } }, include: { user: true } });
    if (!identity) {
      // An IdP may only vouch for addresses in its org's verified domains;
      // otherwise one customer's IdP could sign in as another customer's user.
      const domain = email.split('@')[1]!;
      const verified = await tx.orgDomain.findFirst({ where: { orgId: org.id, domain, verifiedAt: { not: null } }, select: { id: true } });
      if (!verified) throw new SsoError('domain_not_verified');
    }
    let user = identity?.user ?? (await tx.user.findUnique({ where: { email } }));
    if (user?.disabledAt) throw new SsoError('user_disabled');
    if (user?.staffRole) throw new SsoError('staff_account');
    if (!identity && user && input.confirmedUserId !== user.id) {
      const why = await linkNeedsConfirmation(tx, user, org.id);
      if (why) {
        await recordAudit(tx, actorFor(user.id), {
          action: 'auth.sign_in_failed',
          target: { type: 'user', id: user.id },
          orgId: org.id,
          metadata: { method: protocol, provider, reason: 'link_required', why, subject: profile.id, email },
        });
        return { refused: new SsoLinkRequired(user.id, email) };
      }
    }
    const membership = user ? await tx.membership.findUnique({ where: { userId_orgId: { userId: user.id, orgId: org.id } }, include: { customRole: true } }) : null;
    const mapped = await roleFor(tx, org.id, groups);

    // A newcomer takes a seat, unless an open invitation already holds one for them (as accepting it would).
    const now = new Date();
    const invitation = membership
      ? null
      : await tx.invitation.findFirst({
          where: { orgId: org.id, email, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
          include: { customRole: true },
          orderBy: { createdAt: 'desc' },
        });
    if (!membership) {
      try {
        await assertSeatAvailable(tx, org.id, invitation ? 0 : 1, now);
      } catch (error) {
        if (!(error instanceof QuotaExceededError)) throw error;
        await recordAudit(tx, actorFor(user?.id ?? null), {
          action: 'auth.sign_in_failed',
          target: { type: 'user', id: user?.id ?? null },
          orgId: org.id,
          metadata: { method: protocol, provider, reason: 'no_seats', email, seats: { used: error.used, limit: error.limit } },
        });
        return { refused: new SsoError('no_seats', error.message) };
      }
    }

    let createdUser = false;
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
      await recordAudit(tx, actor, {
        action: 'sso.identity_link',
        target: { type: 'sso_identity', id: link.id },
        orgId: org.id,
        after: { provider, subject: profile.id, email },
        ...(input.confirmedUserId === user.id ? { metadata: { confirmedBy: 'password' } } : {}),
      });
    }

    let createdMembership = false;
    if (!membership) {
      // Groups are the IdP's word; an invitation is an admin's; the default role is the fallback.
      const defaultRole = (SSO_GRANTABLE_ROLES as string[]).includes(org.defaultRole) ? (org.defaultRole as (typeof SSO_GRANTABLE_ROLES)[number]) : 'viewer';
      const choice: RoleChoice = mapped ?? (invitation ? { ...resolvedOf(invitation), group: null } : { ...builtinResolved(defaultRole), group: null });
      if (invitation) await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedAt: now } });
      const created = await tx.membership.create({ data: { userId: user.id, orgId: org.id, role: choice.role, customRoleId: choice.customRoleId } });
      createdMembership = true;
      await recordAudit(tx, actor, {
        action: 'membership.create',
        target: { type: 'membership', id: created.id },
        orgId: org.id,
        after: { userId: user.id, email, role: created.role, customRoleId: created.customRoleId },
        metadata: { via: 'sso_jit', group: choice.group, ...(invitation ? { invitationId: invitation.id } : {}) },
      });
    } else if (mapped && membership.role !== 'owner' && (mapped.role !== membership.role || mapped.customRoleId !== membership.customRoleId)) {
      // The IdP's groups are the source of truth for mapped roles, but never for an owner, and never at the cost of the last owner.
      const current = resolvedOf(membership);
      if (losesLastOwner(current, mapped, await countOwners(tx, org.id))) {
        log.info({ orgId: org.id, membershipId: membership.id, group: mapped.group }, 'SSO group mapping would demote the last owner; role kept');
      } else {
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

    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now, ...(user.name ? {} : { name: displayName(profile) }) } });
    await recordAudit(tx, actor, {
      action: 'auth.sign_in',
      target: { type: 'user', id: user.id },
      orgId: org.id,
      metadata: { method: protocol, provider },
    });
    return { userId: user.id, createdUser, createdMembership };
  });
  // The refusal's audit event is committed; nothing else was written.
  if ('refused' in outcome) throw outcome.refused;
  return outcome;
}
