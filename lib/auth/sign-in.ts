import { recordAudit } from '@/lib/audit/record';
import { prisma } from '@/lib/db/client';
import { RateLimitedError } from '@/lib/errors';
import { hitRateLimit, peekRateLimit, resetRateLimit } from '@/lib/rate-limit';
import { DUMMY_HASH, verifyPassword } from './password';
import { metrics } from '@/lib/observability/metrics';

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const SIGN_IN_LIMITS = {
  perEmail: Number(process.env.SIGN_IN_MAX_FAILURES_PER_EMAIL ?? 5),
  perIp: Number(process.env.SIGN_IN_MAX_FAILURES_PER_IP ?? 30),
};

export type SignInFailure = 'invalid' | 'sso_required';

export interface PasswordSignIn {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

/**
 * Email and password sign-in. Failed attempts are counted per email and per
 * client IP; past the limit every attempt is refused until the window ends,
 * even with the right password. A successful sign-in clears the email's count.
 */
export async function signInWithPassword(input: PasswordSignIn): Promise<{ ok: true; userId: string } | { ok: false; reason: SignInFailure }> {
  const email = input.email.trim().toLowerCase();
  const emailKey = `sign-in:email:${email}`;
  const ipKey = `sign-in:ip:${input.ip ?? 'unknown'}`;

  for (const [key, limit] of [
    [emailKey, SIGN_IN_LIMITS.perEmail],
    [ipKey, SIGN_IN_LIMITS.perIp],
  ] as const) {
    const current = await peekRateLimit(prisma, key, SIGN_IN_WINDOW_SECONDS);
    if (current.count >= limit) {
      metrics.authFailure('password_rate_limited');
      throw new RateLimitedError(
        `Too many failed sign-in attempts. Try again in ${Math.ceil(current.retryAfterSeconds / 60)} minutes.`,
        current.retryAfterSeconds,
      );
    }
  }

  const user = await prisma.user.findUnique({ where: { email }, omit: { passwordHash: false } });
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);

  if (!user || !valid || user.disabledAt) {
    metrics.authFailure('password');
    await hitRateLimit(prisma, emailKey, SIGN_IN_WINDOW_SECONDS);
    await hitRateLimit(prisma, ipKey, SIGN_IN_WINDOW_SECONDS);
    if (user) {
      await recordAudit(prisma, { kind: 'user', userId: user.id, label: user.email, staffRole: null, ip: input.ip, userAgent: input.userAgent }, {
        action: 'auth.sign_in_failed',
        target: { type: 'user', id: user.id },
        metadata: { reason: user.disabledAt ? 'disabled' : 'wrong_password' },
      });
    }
    return { ok: false, reason: 'invalid' };
  }

  if (!user.staffRole && (await ssoRequiredFor(email))) {
    return { ok: false, reason: 'sso_required' };
  }

  await resetRateLimit(prisma, emailKey);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    await recordAudit(
      tx,
      { kind: 'user', userId: user.id, label: user.email, staffRole: null, ip: input.ip, userAgent: input.userAgent },
      { action: 'auth.sign_in', target: { type: 'user', id: user.id }, metadata: { method: 'password' } },
    );
  });
  return { ok: true, userId: user.id };
}

/** Password sign-in is refused for addresses in a verified domain whose org requires SSO. */
export async function ssoRequiredFor(email: string): Promise<boolean> {
  const domain = email.split('@')[1];
  if (!domain) return false;
  const match = await prisma.orgDomain.findFirst({
    where: { domain, verifiedAt: { not: null }, org: { ssoRequired: true } },
    select: { id: true },
  });
  return match !== null;
}
