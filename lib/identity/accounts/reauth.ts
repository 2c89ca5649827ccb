import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { RateLimitedError, UnauthorizedError, ValidationError } from '@/lib/platform/errors';
import { refundRateLimit, reserveRateLimit } from '@/lib/platform/rate-limit';
import type { Actor } from '@/lib/identity/auth/actor';
import { canChangePassword } from '@/lib/identity/auth/passwords';
import { verifyPassword } from '@/lib/identity/auth/password';
import { waitText } from '@/lib/identity/auth/sign-in-limiter';

/** Wrong passwords allowed per account per 15 minutes on /account: a stolen session must not become a password oracle. */
export const REAUTH_ATTEMPTS = 5;
const WINDOW_SECONDS = 15 * 60;

export type AccountUser = { id: string; email: string; name: string | null; staffRole: string | null; passwordHash: string | null; createdAt: Date; lastLoginAt: Date | null };

/** The signed-in person's account, or 401 (signed out, deleted, disabled). */
export async function ownAccount(actor: Actor): Promise<AccountUser> {
  if (actor.kind !== 'user' || !actor.userId) throw new UnauthorizedError();
  const user = await prisma.user.findUnique({
    where: { id: actor.userId },
    select: { id: true, email: true, name: true, staffRole: true, passwordHash: true, disabledAt: true, createdAt: true, lastLoginAt: true },
  });
  if (!user || user.disabledAt) throw new UnauthorizedError();
  return user;
}

/**
 * The signed-in person proves it is still them before a change to their
 * account: their current password if they sign in with one, else (SSO only:
 * their IdP holds the password) by typing their address. Wrong passwords are
 * counted per account; a right one gives its attempt back.
 */
export async function confirmItIsThem(actor: Actor, user: AccountUser, input: { password?: string; email?: string }): Promise<'password' | 'email'> {
  if (await canChangePassword(actor)) {
    if (!input.password) throw ValidationError.field('password', 'Enter your current password.');
    const budget = `account-reauth:${user.id}`;
    const reserved = await reserveRateLimit(prisma, budget, REAUTH_ATTEMPTS, WINDOW_SECONDS);
    if (!reserved.ok) throw new RateLimitedError(`Too many attempts. Try again in ${waitText(reserved.retryAfterSeconds)}.`, reserved.retryAfterSeconds);
    if (!(await verifyPassword(input.password, user.passwordHash!))) throw ValidationError.field('password', 'That is not your current password.');
    await refundRateLimit(prisma, budget);
    return 'password';
  }
  if ((input.email ?? '').trim().toLowerCase() !== user.email) throw ValidationError.field('email', `Type your email address, ${user.email}, to confirm.`);
  return 'email';
}
