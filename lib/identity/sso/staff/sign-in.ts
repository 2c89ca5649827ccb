import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type StaffSsoConnection } from '@/lib/platform/db/client';
import { metrics } from '@/lib/platform/observability/metrics';
import { isStaffRole } from '@/lib/identity/rbac/permissions';
import { SsoError } from '../errors';
import type { SsoProfile } from '../provision';
import { staffRoleForGroups } from './policy';

/**
 * Who the staff IdP may sign in: the holder of an existing, active staff account with the address
 * it vouched for (or the account its subject was linked to before); or, when a group mapping
 * grants a staff role, a new staff account with that role. Never a customer's account: an address
 * that belongs to a customer user is refused, whatever the groups say. The IdP is the vendor's own
 * and configured by a staff-admin, so an identity is linked to the staff account without a
 * password confirmation (unlike a customer's IdP, lib/identity/sso/provision.ts). Refusals and the sign-in
 * are audited (no org: staff-only).
 */
export async function signInStaffViaSso(input: {
  connection: StaffSsoConnection;
  protocol: 'saml' | 'oidc';
  profile: SsoProfile;
  ip?: string | null;
  userAgent?: string | null;
}): Promise<{ userId: string; createdUser: boolean }> {
  const { connection, protocol, profile } = input;
  const provider = connection.jacksonClientId;
  const email = profile.email?.trim().toLowerCase() ?? '';
  const groups = [...new Set([...(profile.groups ?? []), ...(profile.roles ?? [])].map(String))];
  const actorFor = (userId: string | null, staffRole: string | null): Actor => ({
    kind: 'user',
    userId,
    label: email || `staff-sso:${profile.id}`,
    staffRole: isStaffRole(staffRole) ? staffRole : null,
    ip: input.ip,
    userAgent: input.userAgent,
  });

  const outcome = await prisma.$transaction(async (tx) => {
    const refuse = async (reason: 'no_email' | 'no_subject' | 'not_staff' | 'user_disabled', userId: string | null, why: string) => {
      await recordAudit(tx, actorFor(userId, null), {
        action: 'auth.sign_in_failed',
        target: { type: 'user', id: userId },
        metadata: { method: protocol, provider, staff: true, reason: why, subject: profile.id || null, email: email || null, groups },
      });
      return { refused: new SsoError(reason) };
    };
    if (!email || !email.includes('@')) return refuse('no_email', null, 'no_email');
    if (!profile.id) return refuse('no_subject', null, 'no_subject');

    const identity = await tx.ssoIdentity.findUnique({ where: { provider_subject: { provider, subject: profile.id } }, include: { user: true } });
    let user = identity?.user ?? (await tx.user.findUnique({ where: { email } }));
    if (user && !user.staffRole) return refuse('not_staff', user.id, 'customer_account');
    if (user?.disabledAt) return refuse('user_disabled', user.id, 'disabled');

    let createdUser = false;
    if (!user) {
      const mapped = await staffRoleForGroups(tx, groups);
      if (!mapped) return refuse('not_staff', null, 'no_staff_account');
      const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ').trim() || null;
      user = await tx.user.create({ data: { email, name, staffRole: mapped.role } });
      createdUser = true;
      await recordAudit(tx, actorFor(user.id, mapped.role), {
        action: 'user.create',
        target: { type: 'user', id: user.id },
        after: { email, name, staffRole: mapped.role },
        metadata: { via: 'staff_sso_group', group: mapped.group, protocol },
      });
    }
    const actor = actorFor(user.id, user.staffRole);
    if (!identity) {
      const link = await tx.ssoIdentity.create({ data: { userId: user.id, provider, subject: profile.id } });
      await recordAudit(tx, actor, { action: 'sso.identity_link', target: { type: 'sso_identity', id: link.id }, after: { provider, subject: profile.id, email, staff: true } });
    }
    const now = new Date();
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    await tx.staffSsoConnection.update({ where: { id: connection.id }, data: { lastSignInAt: now } });
    await recordAudit(tx, actor, { action: 'auth.sign_in', target: { type: 'user', id: user.id }, metadata: { method: protocol, provider, staff: true } });
    return { userId: user.id, createdUser };
  });
  if ('refused' in outcome) {
    metrics.authFailure('staff_sso');
    outcome.refused.audited = true;
    throw outcome.refused;
  }
  return outcome;
}
