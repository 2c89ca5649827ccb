import 'server-only';
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { emailField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import { generateSecret, keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { open, seal } from '@/lib/platform/crypto/secret-box';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from '@/lib/platform/errors';
import { metrics } from '@/lib/platform/observability/metrics';
import { refundRateLimit, reserveRateLimit } from '@/lib/platform/rate-limit';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { isStaffRole } from '@/lib/identity/rbac/permissions';
import type { Actor } from './actor';
import { verifyPassword } from './password';
import { endUserSessions, startSession } from './sessions';
import { reserveSignInAttempt, waitText, type SignInLimits } from './sign-in-limiter';
import { matchTotp, newTotpSecret, normalizeTotpCode, totpUri } from './totp';

/**
 * Two-factor authentication: a TOTP authenticator (lib/identity/auth/totp.ts) plus
 * ten one-time recovery codes.
 *
 * Enrolment (on /account): the password again, then a new secret is stored
 * sealed as *pending* and shown (QR code and text); the first code from the
 * app confirms it, turns MFA on and shows the recovery codes once (stored as
 * keyed hashes). The last accepted 30-second step is stored, so a code works
 * once. Sign-in: the right password of an account with MFA starts no
 * session; it issues a ticket (keyed hash, MFA_TICKET_MINUTES, single use,
 * MFA_TICKET_ATTEMPTS codes) that the browser holds in a cookie, and the
 * session starts once a code is right (completeMfaSignIn). Each code check
 * also spends the sign-in limiter's budgets. Who must have MFA is
 * lib/identity/auth/mfa-policy.ts. Every change is audited in its transaction; the
 * secret and the codes never reach a log or an audit event.
 */

export const RECOVERY_CODE_COUNT = 10;
export const MFA_TICKET_MINUTES = 5;
export const MFA_TICKET_ATTEMPTS = 5;
/** How long a started enrolment waits for its first code. */
export const MFA_PENDING_MINUTES = 15;
/** Wrong passwords allowed per account per 15 minutes on the MFA forms (as for a password change). */
export const MFA_PASSWORD_ATTEMPTS = 5;
export const MFA_TICKET_COOKIE = 'portcullis.mfa';

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const sealContext = (userId: string) => `user_mfa:${userId}:totp`;
const recoveryHash = (code: string) => keyedHash(`mfa-recovery:${code}`);
const ticketHash = (ticket: string) => keyedHash(`mfa-ticket:${ticket}`);

function signedIn(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.userId) throw new UnauthorizedError();
  return actor.userId;
}

/** `xxxxx-xxxxx` from an alphabet without look-alikes (about 49 bits each). */
function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** A recovery code as typed, lower-cased without separators; null when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.trim().toLowerCase().replace(/[\s-]/g, '');
  return code.length === 10 && [...code].every((c) => RECOVERY_ALPHABET.includes(c)) ? code : null;
}

/** Replaces the person's recovery codes with fresh ones, inside `tx`; returns them for the one-time display. */
async function replaceRecoveryCodes(tx: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
  await tx.mfaRecoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: recoveryHash(normalizeRecoveryCode(code)!) })) });
  return codes;
}

const findAccount = (userId: string) =>
  prisma.user.findUnique({ where: { id: userId }, select: { id: true, email: true, staffRole: true, passwordHash: true, disabledAt: true } });

/** The signed-in person's password, checked under a per-account budget (a stolen session must not become a password oracle). */
async function checkPassword(userId: string, password: string) {
  const user = await findAccount(userId);
  if (!user || user.disabledAt) throw new UnauthorizedError();
  if (!user.passwordHash) throw new ValidationError('You sign in with single sign-on: your identity provider handles two-factor authentication.');
  const budget = `mfa-password:${user.id}`;
  const reserved = await reserveRateLimit(prisma, budget, MFA_PASSWORD_ATTEMPTS, 15 * 60);
  if (!reserved.ok) throw new RateLimitedError(`Too many attempts. Try again in ${waitText(reserved.retryAfterSeconds)}.`, reserved.retryAfterSeconds);
  if (!(await verifyPassword(password, user.passwordHash))) throw ValidationError.field('password', 'That is not your password.');
  await refundRateLimit(prisma, budget);
  return user;
}

/**
 * Checks a second factor for `userId` inside `tx` and spends it: a TOTP
 * code (its step is stored, so it works once) or an unused recovery code.
 * Both spends are conditional updates, so two requests with the same code
 * cannot both pass. Returns which factor it was, or null.
 */
async function spendSecondFactor(tx: Db, userId: string, input: string, now: Date): Promise<'totp' | 'recovery_code' | null> {
  if (normalizeTotpCode(input)) {
    const mfa = await tx.userMfa.findUnique({ where: { userId }, select: { totpSecret: true, enabledAt: true, lastUsedStep: true } });
    if (!mfa?.enabledAt || !mfa.totpSecret) return null;
    const step = matchTotp(open(mfa.totpSecret, sealContext(userId)), input, mfa.lastUsedStep, now);
    if (step === null) return null;
    const spent = await tx.userMfa.updateMany({
      where: { userId, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
      data: { lastUsedStep: step },
    });
    return spent.count === 1 ? 'totp' : null;
  }
  const code = normalizeRecoveryCode(input);
  if (!code) return null;
  const spent = await tx.mfaRecoveryCode.updateMany({ where: { userId, codeHash: recoveryHash(code), usedAt: null }, data: { usedAt: now } });
  return spent.count === 1 ? 'recovery_code' : null;
}

/**
 * Turns MFA on with a known secret, without the enrolment steps: the demo's
 * staff (a published demo secret) and test fixtures. Recovery codes are the
 * caller's to make; the caller audits.
 */
export async function storeConfirmedTotp(tx: Db, userId: string, secret: string, now = new Date()): Promise<void> {
  const sealed = seal(secret, sealContext(userId));
  await tx.userMfa.upsert({
    where: { userId },
    create: { userId, totpSecret: sealed, enabledAt: now },
    update: { totpSecret: sealed, enabledAt: now, pendingSecret: null, pendingAt: null, lastUsedStep: null },
  });
}

// ── status ─────────────────────────────────────────────────────────────────

export interface MfaStatus {
  enrolled: boolean;
  enabledAt: Date | null;
  recoveryCodesLeft: number;
  /** Why this person must have MFA: staff, or the names of their organizations that require it. */
  requiredBy: { staff: boolean; orgs: string[] };
  /** Whether they sign in with a password at all (SSO-only accounts enrol nothing here). */
  hasPassword: boolean;
}

export async function mfaStatus(actor: Actor): Promise<MfaStatus> {
  const userId = signedIn(actor);
  const [user, mfa, recoveryCodesLeft, orgs] = await Promise.all([
    findAccount(userId),
    prisma.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } }),
    prisma.mfaRecoveryCode.count({ where: { userId, usedAt: null } }),
    prisma.organization.findMany({ where: { mfaRequired: true, status: { not: 'deactivated' }, memberships: { some: { userId } } }, select: { name: true }, orderBy: { name: 'asc' } }),
  ]);
  if (!user) throw new UnauthorizedError();
  return {
    enrolled: !!mfa?.enabledAt,
    enabledAt: mfa?.enabledAt ?? null,
    recoveryCodesLeft: mfa?.enabledAt ? recoveryCodesLeft : 0,
    requiredBy: { staff: isStaffRole(user.staffRole), orgs: orgs.map((org) => org.name) },
    hasPassword: !!user.passwordHash,
  };
}

// ── enrolment ──────────────────────────────────────────────────────────────

export const passwordConfirmSchema = z.object({ password: z.string().min(1, 'Enter your password.').max(1024) });

export const mfaCodeSchema = z.object({
  code: z.string().trim().min(1, 'Enter the code from your authenticator app.').max(64),
});

export const disableMfaSchema = passwordConfirmSchema.extend({
  code: z.string().trim().min(1, 'Enter a code from your authenticator app or a recovery code.').max(64),
});

export interface EnrolmentStart {
  /** Base32, for typing into an app. */
  secret: string;
  uri: string;
  /** The URI as a QR code: a data: URL of a PNG (the page CSP's img-src allows data:). */
  qrCode: string;
}

/**
 * Step one: after the password, a new secret (pending until confirmed) for
 * the QR code. Starting again replaces a pending secret; an account that
 * already has MFA must disable it or regenerate codes instead.
 */
export async function beginMfaEnrolment(actor: Actor, input: z.input<typeof passwordConfirmSchema>, now = new Date()): Promise<EnrolmentStart> {
  const userId = signedIn(actor);
  const data = passwordConfirmSchema.parse(input);
  const user = await checkPassword(userId, data.password);
  const existing = await prisma.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } });
  if (existing?.enabledAt) throw new ConflictError('Two-factor authentication is already on.');
  const secret = newTotpSecret();
  const sealed = seal(secret, sealContext(userId));
  await prisma.$transaction(async (tx) => {
    await tx.userMfa.upsert({
      where: { userId },
      create: { userId, pendingSecret: sealed, pendingAt: now },
      update: { pendingSecret: sealed, pendingAt: now },
    });
    await recordAudit(tx, actor, { action: 'mfa.enrollment_start', target: { type: 'user', id: userId } });
  });
  const uri = totpUri(secret, user.email);
  // Loaded here, not with the module: every sign-in imports this file, and only enrolment draws QR codes.
  const { default: QRCode } = await import('qrcode');
  return { secret, uri, qrCode: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 200 }) };
}

/**
 * Step two: the first code from the app turns MFA on. Returns the ten
 * recovery codes, shown this once. The session that enrolled counts as
 * having passed MFA.
 */
export async function confirmMfaEnrolment(actor: Actor, input: z.input<typeof mfaCodeSchema>, now = new Date()): Promise<{ recoveryCodes: string[] }> {
  const userId = signedIn(actor);
  const data = mfaCodeSchema.parse(input);
  const pending = await prisma.userMfa.findUnique({ where: { userId }, select: { pendingSecret: true, pendingAt: true, enabledAt: true } });
  if (pending?.enabledAt) throw new ConflictError('Two-factor authentication is already on.');
  if (!pending?.pendingSecret || !pending.pendingAt || pending.pendingAt.getTime() < now.getTime() - MFA_PENDING_MINUTES * 60_000) {
    throw new ValidationError('Set-up expired. Start again with your password.');
  }
  const budget = `mfa-confirm:${userId}`;
  const reserved = await reserveRateLimit(prisma, budget, MFA_TICKET_ATTEMPTS, 15 * 60);
  if (!reserved.ok) throw new RateLimitedError(`Too many attempts. Try again in ${waitText(reserved.retryAfterSeconds)}.`, reserved.retryAfterSeconds);
  const step = matchTotp(open(pending.pendingSecret, sealContext(userId)), data.code, null, now);
  if (step === null) throw ValidationError.field('code', 'That code is not right. Check the time on your phone and enter the current code.');
  return prisma.$transaction(async (tx) => {
    // Conditional on the secret the code was checked against: a restarted enrolment cannot be confirmed by the old one's code.
    const enabled = await tx.userMfa.updateMany({
      where: { userId, pendingSecret: pending.pendingSecret, enabledAt: null },
      data: { totpSecret: pending.pendingSecret, pendingSecret: null, pendingAt: null, enabledAt: now, lastUsedStep: step },
    });
    if (enabled.count !== 1) throw new ConflictError('Set-up changed in another window. Start again.');
    const recoveryCodes = await replaceRecoveryCodes(tx, userId);
    if (actor.sessionId) await tx.session.updateMany({ where: { id: actor.sessionId, userId }, data: { mfaMethod: 'totp' } });
    await recordAudit(tx, actor, { action: 'mfa.enroll', target: { type: 'user', id: userId }, metadata: { factor: 'totp', recoveryCodes: RECOVERY_CODE_COUNT } });
    await refundRateLimit(tx, budget);
    return { recoveryCodes };
  });
}

/** New recovery codes after the password; the old ones stop working. */
export async function regenerateRecoveryCodes(actor: Actor, input: z.input<typeof passwordConfirmSchema>): Promise<{ recoveryCodes: string[] }> {
  const userId = signedIn(actor);
  const data = passwordConfirmSchema.parse(input);
  await checkPassword(userId, data.password);
  return prisma.$transaction(async (tx) => {
    const mfa = await tx.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } });
    if (!mfa?.enabledAt) throw new ConflictError('Turn on two-factor authentication first.');
    const recoveryCodes = await replaceRecoveryCodes(tx, userId);
    await recordAudit(tx, actor, { action: 'mfa.recovery_codes_regenerate', target: { type: 'user', id: userId }, metadata: { recoveryCodes: RECOVERY_CODE_COUNT } });
    return { recoveryCodes };
  });
}

/**
 * The person turns their own MFA off with their password and a code. Staff
 * cannot (they must have it), nor can a member of an organization that
 * requires it.
 */
export async function disableMfa(actor: Actor, input: z.input<typeof disableMfaSchema>, now = new Date()): Promise<void> {
  const userId = signedIn(actor);
  const data = disableMfaSchema.parse(input);
  const user = await findAccount(userId);
  if (!user || user.disabledAt) throw new UnauthorizedError();
  if (isStaffRole(user.staffRole)) throw new ForbiddenError('Vendor staff must keep two-factor authentication. A staff admin can reset it if you lost your device.');
  const requiring = await prisma.organization.findFirst({ where: { mfaRequired: true, status: { not: 'deactivated' }, memberships: { some: { userId } } }, select: { name: true } });
  if (requiring) throw new ForbiddenError(`${requiring.name} requires two-factor authentication, so it cannot be turned off.`);
  await checkPassword(userId, data.password);
  const budget = `mfa-confirm:${userId}`;
  const reserved = await reserveRateLimit(prisma, budget, MFA_TICKET_ATTEMPTS, 15 * 60);
  if (!reserved.ok) throw new RateLimitedError(`Too many attempts. Try again in ${waitText(reserved.retryAfterSeconds)}.`, reserved.retryAfterSeconds);
  await prisma.$transaction(async (tx) => {
    const mfa = await tx.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } });
    if (!mfa?.enabledAt) throw new ConflictError('Two-factor authentication is not on.');
    const factor = await spendSecondFactor(tx, userId, data.code, now);
    if (!factor) throw ValidationError.field('code', 'That code is not right.');
    await tx.userMfa.delete({ where: { userId } });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
    await recordAudit(tx, actor, { action: 'mfa.disable', target: { type: 'user', id: userId }, metadata: { factor } });
    await refundRateLimit(tx, budget);
  });
}

// ── reset by staff ─────────────────────────────────────────────────────────

export const resetMfaSchema = z.object({ email: emailField() });

/**
 * A staff-admin removes another person's second factor (a lost phone): the
 * authenticator, the recovery codes and any sign-in in progress go, and every
 * session of theirs ends. Staff must enrol again at their next sign-in.
 */
export async function resetMfa(actor: Actor, input: z.input<typeof resetMfaSchema>, now = new Date()): Promise<{ email: string; sessionsEnded: number }> {
  assertStaffPermission(actor, 'staff.manage');
  const { email } = resetMfaSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true } });
    if (!user) throw new NotFoundError(`No account with the email ${email}.`);
    if (user.id === actor.userId) throw new ConflictError('You cannot reset your own two-factor authentication. Ask another staff admin.');
    const removed = await tx.userMfa.deleteMany({ where: { userId: user.id } });
    if (removed.count === 0) throw new ConflictError(`${user.email} has no two-factor authentication to reset.`);
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.mfaTicket.updateMany({ where: { userId: user.id, usedAt: null }, data: { expiresAt: now } });
    await recordAudit(tx, actor, { action: 'mfa.reset', target: { type: 'user', id: user.id }, after: { email: user.email } });
    const ended = await endUserSessions(tx, actor, user.id, 'mfa_reset', {}, now);
    return { email: user.email, sessionsEnded: ended.length };
  });
}

// ── sign-in: the second step ───────────────────────────────────────────────

/** Whether this account needs a second step at sign-in. */
export async function hasMfa(db: Db, userId: string): Promise<boolean> {
  const mfa = await db.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } });
  return !!mfa?.enabledAt;
}

/** After the right password of an account with MFA: a ticket for the second step, inside the sign-in's transaction. */
export async function issueMfaTicket(tx: Db, actor: Actor, now = new Date()): Promise<{ ticket: string; expiresAt: Date }> {
  const userId = signedIn(actor);
  const ticket = generateSecret('pcf_');
  const expiresAt = new Date(now.getTime() + MFA_TICKET_MINUTES * 60_000);
  const row = await tx.mfaTicket.create({
    data: { userId, secretHash: ticketHash(ticket), expiresAt, ip: actor.ip?.slice(0, 64) ?? null, userAgent: actor.userAgent?.slice(0, 512) ?? null, createdAt: now },
    select: { id: true },
  });
  await recordAudit(tx, actor, { action: 'mfa.challenge', target: { type: 'user', id: userId }, metadata: { ticketId: row.id, expiresAt } });
  return { ticket, expiresAt };
}

export type MfaSignInResult =
  | { ok: true; userId: string; sessionId: string; factor: 'totp' | 'recovery_code' }
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'invalid_code'; attemptsLeft: number };

/**
 * The second step of a password sign-in: the ticket from the cookie and a
 * TOTP or recovery code. The ticket allows MFA_TICKET_ATTEMPTS codes within
 * MFA_TICKET_MINUTES and one success; each code also spends the sign-in
 * limiter's budgets (RateLimitedError past them). Success starts the session.
 */
export async function completeMfaSignIn(
  input: { ticket: string; code: string; ip: string | null; userAgent: string | null },
  limits: SignInLimits,
  now = new Date(),
): Promise<MfaSignInResult> {
  if (!input.ticket.startsWith('pcf_') || input.ticket.length > 100) return { ok: false, reason: 'expired' };
  const row = await prisma.mfaTicket.findUnique({
    where: { secretHash: ticketHash(input.ticket) },
    include: { user: { select: { id: true, email: true, staffRole: true, disabledAt: true } } },
  });
  if (!row || row.usedAt || row.expiresAt <= now || row.attempts >= MFA_TICKET_ATTEMPTS || row.user.disabledAt) return { ok: false, reason: 'expired' };
  const user = row.user;
  const attempt = await reserveSignInAttempt({ email: user.email, userId: user.id, ip: input.ip }, limits);
  // One attempt of the ticket's budget, taken before the code is checked.
  const counted = await prisma.mfaTicket.updateMany({
    where: { id: row.id, usedAt: null, expiresAt: { gt: now }, attempts: { lt: MFA_TICKET_ATTEMPTS } },
    data: { attempts: { increment: 1 } },
  });
  if (counted.count !== 1) return { ok: false, reason: 'expired' };
  const actor: Actor = { kind: 'user', userId: user.id, label: user.email, staffRole: null, ip: input.ip, userAgent: input.userAgent };

  const signedIn = await prisma.$transaction(async (tx) => {
    const factor = await spendSecondFactor(tx, user.id, input.code, now);
    if (!factor) return null;
    const used = await tx.mfaTicket.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
    if (used.count !== 1) return null;
    await attempt.succeeded(tx, user.id);
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: now } });
    if (factor === 'recovery_code') {
      const left = await tx.mfaRecoveryCode.count({ where: { userId: user.id, usedAt: null } });
      await recordAudit(tx, actor, { action: 'mfa.recovery_code_used', target: { type: 'user', id: user.id }, metadata: { recoveryCodesLeft: left } });
    }
    await recordAudit(tx, actor, { action: 'auth.sign_in', target: { type: 'user', id: user.id }, metadata: { method: 'password', mfa: factor } });
    const session = await startSession(tx, actor, { authMethod: 'password', mfaMethod: factor }, now);
    return { sessionId: session.id, factor };
  });
  if (signedIn) return { ok: true, userId: user.id, ...signedIn };

  metrics.authFailure('mfa');
  const attemptsLeft = Math.max(0, MFA_TICKET_ATTEMPTS - row.attempts - 1);
  await prisma.$transaction((tx) =>
    recordAudit(tx, actor, { action: 'mfa.failed', target: { type: 'user', id: user.id }, metadata: { ticketId: row.id, attemptsLeft } }),
  );
  return attemptsLeft > 0 ? { ok: false, reason: 'invalid_code', attemptsLeft } : { ok: false, reason: 'expired' };
}
