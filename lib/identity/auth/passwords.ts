import 'server-only';
import { z } from 'zod';
import { emailField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import { publicUrl } from '@/lib/platform/config/public-url';
import { prisma, type Db } from '@/lib/platform/db/client';
import { RateLimitedError, UnauthorizedError, ValidationError } from '@/lib/platform/errors';
import { sendMail } from '@/lib/platform/mail/send';
import type { MailMessage } from '@/lib/platform/mail/transport';
import { refundRateLimit, reserveRateLimit } from '@/lib/platform/rate-limit';
import { isStaffRole } from '@/lib/identity/rbac/permissions';
import { passwordChangedMail, passwordResetMail, passwordSsoOnlyMail } from './account-mail';
import type { Actor } from './actor';
import { checkMailboxLink, issueMailboxProof, reserveProofSend, useMailboxProof } from './mailbox-proof';
import { verifyPassword } from './password';
import { hashNewPassword, newPasswordField } from './password-policy';
import { endUserSessions } from './sessions';
import { ssoRequiredFor } from './sign-in';
import { waitText } from './sign-in-limiter';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * Setting a password on an existing account: reset by mailbox, or change by
 * the signed-in person with their current one.
 *
 * Password reset from the sign-in page. Asking for it answers the same
 * whatever the address: for an account with a password, a single-use link
 * (a mailbox-proof `pcm_` token, stored as a keyed hash) valid
 * PASSWORD_RESET_LINK_MINUTES goes to the address; for an account that signs
 * in with SSO, a note saying so; for anything else, nothing. Every request
 * spends the same send budgets (per address and per client) and writes the
 * same audit event, and mail leaves after the answer, so neither the answer
 * nor its timing says which case it was. Using the link sets the new password
 * (lib/identity/auth/password-policy.ts) and ends every session of the account.
 */

export function resetLinkMinutesFromEnv(source?: EnvSource): number {
  return env('PASSWORD_RESET_LINK_MINUTES', source);
}

export const PASSWORD_RESET_LINK_MINUTES = resetLinkMinutesFromEnv();

export interface Requester {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export const forgotPasswordSchema = z.object({
  email: emailField('Enter your email address.'),
});

export const resetPasswordSchema = z.object({
  token: z.string().trim().min(1, 'The reset link is incomplete.').max(200),
  password: newPasswordField,
});

const resetUrl = () => `${publicUrl()}/forgot-password`;
const resetLink = (token: string) => `${publicUrl()}/reset-password/${token}`;

/** Mail is sent after the answer: an SMTP round trip only for real accounts would time the difference. */
function sendLater(message: MailMessage) {
  void sendMail(message);
}

function actorFor(label: string, userId: string | null, staffRole: string | null, request: Requester): Actor {
  return {
    kind: 'user',
    userId,
    label,
    staffRole: isStaffRole(staffRole) ? staffRole : null,
    ip: request.ip ?? null,
    userAgent: request.userAgent ?? null,
    requestId: request.requestId ?? null,
  };
}

type Account = { id: string; email: string; name: string | null; staffRole: string | null; passwordHash: string | null; disabledAt: Date | null };

/** Whether this account signs in with a password at all: not SSO-only, not in a domain whose org requires SSO (staff excepted, as at sign-in). */
async function usesPassword(user: Account): Promise<boolean> {
  if (!user.passwordHash) return false;
  return !!user.staffRole || !(await ssoRequiredFor(user.email));
}

const findAccount = (db: Db, where: { email: string } | { id: string }) =>
  db.user.findUnique({ where, select: { id: true, email: true, name: true, staffRole: true, passwordHash: true, disabledAt: true } });

/**
 * Someone on the sign-in page asks for a reset link for `email`. Resolves the
 * same way for every address; throws only RateLimitedError (too many
 * requests for this address or from this client) or a bad address.
 */
export async function requestPasswordReset(input: z.input<typeof forgotPasswordSchema>, request: Requester = {}, now = new Date()): Promise<void> {
  const { email } = forgotPasswordSchema.parse(input);
  const user = await findAccount(prisma, { email });
  const actor = actorFor(email, null, null, request);
  const audit = (tx: Db, metadata: Record<string, unknown>) =>
    recordAudit(tx, actor, { action: 'auth.password_reset_request', target: { type: 'user', id: user?.id ?? null }, metadata });

  if (user && !user.disabledAt && (await usesPassword(user))) {
    const proof = await issueMailboxProof(
      { purpose: 'password_reset', subjectId: user.id, email, format: 'link', ttlMinutes: PASSWORD_RESET_LINK_MINUTES, ip: request.ip ?? null },
      (tx, issued) => audit(tx, { outcome: 'link_sent', mailboxProofId: issued.id, expiresAt: issued.expiresAt }),
      now,
    );
    sendLater(passwordResetMail({ to: email, link: resetLink(proof.secret), minutes: PASSWORD_RESET_LINK_MINUTES }));
    return;
  }
  // No link: the same budgets are spent and the same event written, so this case cannot be told apart.
  await reserveProofSend('password_reset', email, request.ip ?? null);
  const ssoOnly = !!user && !user.disabledAt;
  await prisma.$transaction((tx) => audit(tx, { outcome: !user ? 'no_account' : user.disabledAt ? 'disabled' : 'sso_only' }));
  if (ssoOnly) sendLater(passwordSsoOnlyMail({ to: email, signInUrl: `${publicUrl()}/sign-in/sso` }));
}

const LINK_UNUSABLE = 'This reset link has expired or was already used. Ask for a new one.';

/** For the reset page: whether the link still works, and for which address (shown to whoever holds the link, i.e. the mailbox). */
export async function previewPasswordReset(token: string, now = new Date()): Promise<{ email: string } | null> {
  const proof = await checkMailboxLink({ purpose: 'password_reset', token }, now);
  if (!proof) return null;
  const user = await findAccount(prisma, { id: proof.subjectId });
  return user && !user.disabledAt && user.email === proof.email ? { email: user.email } : null;
}

/**
 * Sets a new password with a link from requestPasswordReset, once: the link is
 * spent, every other open reset link of the account ends, and every session of
 * the account ends, in the transaction that stores the password.
 */
export async function resetPassword(input: z.input<typeof resetPasswordSchema>, request: Requester = {}, now = new Date()): Promise<{ email: string }> {
  const data = resetPasswordSchema.parse(input);
  const proof = await checkMailboxLink({ purpose: 'password_reset', token: data.token }, now);
  const user = proof ? await findAccount(prisma, { id: proof.subjectId }) : null;
  // The address must still be the one the link was sent to.
  if (!proof || !user || user.disabledAt || user.email !== proof.email) throw new ValidationError(LINK_UNUSABLE);
  if (!(await usesPassword(user))) throw new ValidationError('Your account signs in with single sign-on and has no password to reset.');
  const passwordHash = await hashNewPassword(data.password, user);
  const actor = actorFor(user.email, user.id, user.staffRole, request);
  await prisma.$transaction(async (tx) => {
    await useMailboxProof(tx, proof, now);
    await tx.mailboxProof.updateMany({ where: { purpose: 'password_reset', subjectId: user.id, usedAt: null, expiresAt: { gt: now } }, data: { expiresAt: now } });
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await recordAudit(tx, actor, { action: 'auth.password_reset', target: { type: 'user', id: user.id }, metadata: { mailboxProofId: proof.id } });
    await endUserSessions(tx, actor, user.id, 'password_reset', {}, now);
  });
  sendLater(passwordChangedMail({ to: user.email, how: 'reset', at: now, resetUrl: resetUrl() }));
  return { email: user.email };
}

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, 'Enter your current password.').max(1024),
  newPassword: newPasswordField,
});

/** Wrong current passwords allowed per account per 15 minutes: a stolen session must not become a password oracle. */
export const PASSWORD_CHANGE_ATTEMPTS = 5;

/**
 * The signed-in person changes their password with their current one. Every
 * other session of theirs ends; the one making the change stays signed in.
 */
export async function changePassword(actor: Actor, input: z.input<typeof changePasswordSchema>, now = new Date()): Promise<void> {
  if (actor.kind !== 'user' || !actor.userId) throw new UnauthorizedError();
  const data = changePasswordSchema.parse(input);
  const user = await findAccount(prisma, { id: actor.userId });
  if (!user || user.disabledAt) throw new UnauthorizedError();
  if (!(await usesPassword(user))) throw new ValidationError('You sign in with single sign-on, so there is no Portcullis password to change.');
  if (data.newPassword === data.currentPassword) throw ValidationError.field('newPassword', 'Choose a password different from your current one.');
  // The new password's rule first: a refused one costs none of the attempts.
  const passwordHash = await hashNewPassword(data.newPassword, user, 'newPassword');
  const budget = `password-change:${user.id}`;
  const reserved = await reserveRateLimit(prisma, budget, PASSWORD_CHANGE_ATTEMPTS, 15 * 60);
  if (!reserved.ok) throw new RateLimitedError(`Too many attempts. Try again in ${waitText(reserved.retryAfterSeconds)}.`, reserved.retryAfterSeconds);
  if (!(await verifyPassword(data.currentPassword, user.passwordHash!))) throw ValidationError.field('currentPassword', 'That is not your current password.');
  await prisma.$transaction(async (tx) => {
    // Conditional on the hash just verified: two changes at once cannot both win.
    const changed = await tx.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash } });
    if (changed.count !== 1) throw ValidationError.field('currentPassword', 'Your password was just changed elsewhere. Sign in again.');
    await recordAudit(tx, actor, { action: 'auth.password_change', target: { type: 'user', id: user.id } });
    await endUserSessions(tx, actor, user.id, 'password_change', { except: actor.sessionId }, now);
    await refundRateLimit(tx, budget);
  });
  sendLater(passwordChangedMail({ to: user.email, how: 'change', at: now, resetUrl: resetUrl() }));
}

/** Whether the signed-in person has a password to change (false: they sign in with SSO). */
export async function canChangePassword(actor: Actor): Promise<boolean> {
  if (actor.kind !== 'user' || !actor.userId) throw new UnauthorizedError();
  const user = await findAccount(prisma, { id: actor.userId });
  return !!user && (await usesPassword(user));
}
