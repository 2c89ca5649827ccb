import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import { prisma } from '@/lib/platform/db/client';
import { RateLimitedError } from '@/lib/platform/errors';
import { metrics } from '@/lib/platform/observability/metrics';
import { staffPasswordRefused } from '@/lib/identity/sso/staff/policy';
import { hasMfa, issueMfaTicket } from './mfa';
import { DUMMY_HASH, verifyPassword } from './password';
import { startSession } from './sessions';
import { reserveSignInAttempt, signInLimitsFromEnv, type SignInLimits } from './sign-in-limiter';
import { portalFeatureActive } from '@/lib/plans/portal-gate';

export const SIGN_IN_LIMITS: SignInLimits = signInLimitsFromEnv();

export type SignInFailure = 'invalid' | 'sso_required' | 'staff_sso_required';

/**
 * `ok: 'mfa'`: the password was right, but the account has a second factor:
 * no session yet, only a ticket for the second step (lib/identity/auth/mfa.ts).
 */
export type PasswordSignInResult =
  | { ok: true; userId: string; sessionId: string }
  | { ok: 'mfa'; userId: string; ticket: string; expiresAt: Date }
  | { ok: false; reason: SignInFailure };

export interface PasswordSignIn {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Email and password sign-in. Each password check is reserved first against
 * the limits in sign-in-limiter.ts (per address, per account at an address,
 * and a slow-down per account), so only the budgeted number of passwords is
 * ever tried; a successful sign-in gives its reservation back. Addresses in
 * a domain whose organization requires SSO are answered before any password
 * is checked, so that answer says nothing about the password. Success
 * starts a session (sessions.ts) whose id the session cookie carries, or,
 * for an account with MFA, only a ticket for the second step (mfa.ts).
 */
export async function signInWithPassword(
  input: PasswordSignIn,
  limits: SignInLimits = SIGN_IN_LIMITS,
): Promise<PasswordSignInResult> {
  const email = input.email.trim().toLowerCase();
  const user = await prisma.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  if (!user?.staffRole && (await ssoRequiredFor(email))) return { ok: false, reason: 'sso_required' };

  let attempt;
  try {
    attempt = await reserveSignInAttempt({ email, userId: user?.id ?? null, ip: input.ip }, limits);
  } catch (error) {
    if (error instanceof RateLimitedError) metrics.authFailure('password_rate_limited');
    throw error;
  }
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);

  if (!user || !valid || user.disabledAt) {
    metrics.authFailure('password');
    if (user) {
      // In a transaction of its own: the audit chain's lock is transaction-scoped, so a bare statement would not hold it.
      await prisma.$transaction((tx) =>
        recordAudit(tx, { kind: 'user', userId: user.id, label: user.email, staffRole: null, ip: input.ip, userAgent: input.userAgent }, {
          action: 'auth.sign_in_failed',
          target: { type: 'user', id: user.id },
          metadata: { reason: user.disabledAt ? 'disabled' : 'wrong_password' },
        }),
      );
    }
    return { ok: false, reason: 'invalid' };
  }

  // Staff must use SSO (lib/identity/sso/staff/policy.ts) unless this is the break-glass admin. Answered only after the
  // password proved right, so the refusal tells nobody without it that the address is a staff account.
  if (await staffPasswordRefused(user)) {
    metrics.authFailure('staff_sso_required');
    await prisma.$transaction((tx) =>
      recordAudit(tx, { kind: 'user', userId: user.id, label: user.email, staffRole: null, ip: input.ip, userAgent: input.userAgent }, {
        action: 'auth.sign_in_failed',
        target: { type: 'user', id: user.id },
        metadata: { reason: 'staff_sso_required' },
      }),
    );
    return { ok: false, reason: 'staff_sso_required' };
  }

  const actor = { kind: 'user' as const, userId: user.id, label: user.email, staffRole: null, ip: input.ip, userAgent: input.userAgent };
  if (await hasMfa(prisma, user.id)) {
    const { ticket, expiresAt } = await prisma.$transaction(async (tx) => {
      await attempt.passwordRight(tx);
      return issueMfaTicket(tx, actor);
    });
    return { ok: 'mfa', userId: user.id, ticket, expiresAt };
  }

  // The session starts in the sign-in's transaction: no session without its sign-in event, and the reverse.
  const session = await prisma.$transaction(async (tx) => {
    await attempt.succeeded(tx, user.id);
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    await recordAudit(tx, actor, { action: 'auth.sign_in', target: { type: 'user', id: user.id }, metadata: { method: 'password' } });
    return startSession(tx, actor, { authMethod: 'password' });
  });
  return { ok: true, userId: user.id, sessionId: session.id };
}

/** Password sign-in is refused for addresses in a verified domain whose org requires SSO. */
export async function ssoRequiredFor(email: string): Promise<boolean> {
  const domain = email.split('@')[1];
  if (!domain) return false;
  const match = await prisma.orgDomain.findFirst({
    where: { domain, verifiedAt: { not: null }, org: { ssoRequired: true } },
    select: { orgId: true },
  });
  // Below the tier that includes SSO its connections are inactive, so passwords must work.
  return match !== null && (await portalFeatureActive(prisma, match.orgId, 'sso'));
}
