import 'server-only';
import { randomInt } from 'node:crypto';
import { constantTimeEqual, generateSecret, keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma, type Db } from '@/lib/platform/db/client';
import { sqlTimestamp } from '@/lib/platform/db/sql';
import { RateLimitedError, ValidationError } from '@/lib/platform/errors';
import { addressKey, reserveRateLimit } from '@/lib/platform/rate-limit';

/**
 * Proof that whoever acts reads a mailbox: a secret mailed to the address,
 * which the person who asked for it never sees (the caller mails it and
 * returns nothing of it). Every place that trusts an address it did not
 * verify itself goes through here: creating a password account from an
 * invitation, and (issue 15) sign-up, address change and password reset.
 *
 *  - `code`: 8 digits typed back on the page that asked for it, bound to a
 *    purpose, a subject (e.g. the invitation) and the address; at most
 *    PROOF_MAX_ATTEMPTS guesses, each counted before it is compared.
 *  - `link`: a `pcm_` token (256 bits) in a link; the token finds the proof.
 *
 * Stored only as keyed hashes (lib/platform/crypto/keyed-hash.ts), single use,
 * short-lived; a new proof for the same purpose, subject and address ends
 * the previous one. Sending is rate-limited per address and per client.
 */

export type MailboxProofPurpose = 'invitation' | 'password_reset' | 'email_change';
export type MailboxProofFormat = 'code' | 'link';

export const PROOF_MAX_ATTEMPTS = 5;
export const PROOF_CODE_DIGITS = 8;
const LINK_PREFIX = 'pcm_';
const LINK_PATTERN = /^pcm_[0-9A-Za-z]{43}$/;
const SEND_WINDOW_SECONDS = 60 * 60;
export const PROOF_SEND_LIMITS = { perMailbox: 5, perClient: 30 };

export interface IssuedProof {
  id: string;
  /** Mail it to `email`; never show or return it to whoever asked. */
  secret: string;
  expiresAt: Date;
}

/**
 * Creates a proof and returns its secret for the caller to mail after this
 * resolves. `audit` runs in the transaction that stores the proof (it gets
 * the proof's id, never the secret). The send budgets are taken first, each
 * by one statement outside that transaction, so a flood of requests waits on
 * no lock; RateLimitedError when the address or the client asked too often
 * in the last hour.
 */
export async function issueMailboxProof(
  input: { purpose: MailboxProofPurpose; subjectId: string; email: string; format: MailboxProofFormat; ttlMinutes: number; ip: string | null },
  audit: (tx: Db, proof: { id: string; expiresAt: Date }) => Promise<unknown>,
  now = new Date(),
): Promise<IssuedProof> {
  const email = input.email.trim().toLowerCase();
  await reserveProofSend(input.purpose, email, input.ip);
  const secret = input.format === 'code' ? String(randomInt(0, 10 ** PROOF_CODE_DIGITS)).padStart(PROOF_CODE_DIGITS, '0') : generateSecret(LINK_PREFIX, 32);
  const expiresAt = new Date(now.getTime() + input.ttlMinutes * 60_000);
  return prisma.$transaction(async (tx) => {
    await tx.mailboxProof.updateMany({
      where: { purpose: input.purpose, subjectId: input.subjectId, email, usedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    const row = await tx.mailboxProof.create({
      data: { purpose: input.purpose, subjectId: input.subjectId, email, secretHash: keyedHash(secret), expiresAt },
      select: { id: true },
    });
    await audit(tx, { id: row.id, expiresAt });
    return { id: row.id, secret, expiresAt };
  });
}

/**
 * Takes one send from the address's and the client's hourly budgets, each
 * by one statement outside any transaction, or throws RateLimitedError.
 * issueMailboxProof calls it; a flow that must answer the same whether or
 * not it issues a proof (password reset for an unknown address) calls it
 * itself when it issues none.
 */
export async function reserveProofSend(purpose: MailboxProofPurpose, email: string, ip: string | null): Promise<void> {
  const client = addressKey(ip);
  const budgets: [string, number][] = [[`mailbox-proof:email:${purpose}:${email.trim().toLowerCase()}`, PROOF_SEND_LIMITS.perMailbox]];
  // Without a client address there is no client to count (one shared bucket would let anyone block everyone).
  if (client !== 'unknown') budgets.push([`mailbox-proof:ip:${client}`, PROOF_SEND_LIMITS.perClient]);
  for (const [key, limit] of budgets) {
    const reserved = await reserveRateLimit(prisma, key, limit, SEND_WINDOW_SECONDS);
    if (!reserved.ok) {
      throw new RateLimitedError(`Too many emails were requested. Try again in ${Math.ceil(reserved.retryAfterSeconds / 60)} minutes.`, reserved.retryAfterSeconds);
    }
  }
}

export interface CheckedProof {
  id: string;
  subjectId: string;
  email: string;
}

const STALE = 'This code has expired or was tried too often. Ask for a new code.';

/**
 * Checks a typed code against the newest open proof for (purpose, subject,
 * address). The attempt is counted and committed before the comparison, so
 * parallel guesses cannot exceed PROOF_MAX_ATTEMPTS and a rolled-back caller
 * does not get its guesses back. Returns the proof for `useMailboxProof`.
 */
export async function checkMailboxCode(
  input: { purpose: MailboxProofPurpose; subjectId: string; email: string; code: string },
  now = new Date(),
): Promise<CheckedProof> {
  const code = input.code.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(code)) throw ValidationError.field('code', 'Enter the code from the email.');
  const email = input.email.trim().toLowerCase();
  const open = await prisma.mailboxProof.findFirst({
    where: { purpose: input.purpose, subjectId: input.subjectId, email, usedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: 'desc' },
    select: { id: true },
  });
  if (!open) throw ValidationError.field('code', STALE);
  const [counted] = await prisma.$queryRaw<{ secret_hash: string; attempts: number }[]>`
    UPDATE mailbox_proofs SET attempts = attempts + 1
    WHERE id = ${open.id} AND used_at IS NULL AND expires_at > ${sqlTimestamp(now)}::timestamp AND attempts < ${PROOF_MAX_ATTEMPTS}
    RETURNING secret_hash, attempts`;
  if (!counted) throw ValidationError.field('code', STALE);
  if (!constantTimeEqual(keyedHash(code), counted.secret_hash)) {
    const left = PROOF_MAX_ATTEMPTS - Number(counted.attempts);
    const message = left > 0 ? `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` : STALE;
    throw ValidationError.field('code', message);
  }
  return { id: open.id, subjectId: input.subjectId, email };
}

/** Finds the open proof a `link` token names, or null (wrong, used, expired or another purpose's). */
export async function checkMailboxLink(input: { purpose: MailboxProofPurpose; token: string }, now = new Date()): Promise<CheckedProof | null> {
  if (!LINK_PATTERN.test(input.token)) return null;
  const row = await prisma.mailboxProof.findFirst({
    where: { purpose: input.purpose, secretHash: keyedHash(input.token), usedAt: null, expiresAt: { gt: now } },
    select: { id: true, subjectId: true, email: true },
  });
  return row;
}

/**
 * Spends a checked proof inside the transaction that acts on it: claimed
 * with a conditional update, so two requests with one proof act once.
 */
export async function useMailboxProof(tx: Db, proof: CheckedProof, now = new Date()): Promise<void> {
  const claimed = await tx.mailboxProof.updateMany({ where: { id: proof.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (claimed.count !== 1) throw ValidationError.field('code', STALE);
}
