import 'server-only';
import { z } from 'zod';
import { ValidationError } from '@/lib/platform/errors';
import { hashPassword } from './password';

/**
 * The one rule for a password a person chooses (NIST SP 800-63B §3.1.1.2),
 * applied wherever a password is set: staff accounts (web and CLI),
 * sign-up from an invitation, reset and change.
 *
 *  - at least 12 characters (Unicode code points after NFKC, as hashed),
 *    at most 256; no composition rules, spaces allowed, nothing trimmed;
 *  - not the account's email address, and not containing the product's name;
 *  - not common or breached-looking: zxcvbn-ts with its common password and
 *    passphrase lists must estimate at least 10^8 guesses (score 3), with the
 *    account's email and name counted as known words.
 *
 * The estimator (about 2 MB of lists, a few MB of heap, ~0.5-1 s to build)
 * is loaded on first use, on the server only: processes that never set a
 * password (the registry gateway, most requests) never pay for it.
 */

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
const PRODUCT_NAME = 'portcullis';
/** zxcvbn's score: 3 means at least 10^8 guesses, what an online attacker could never try. */
const MIN_SCORE = 3;

const length = (password: string) => [...password.normalize('NFKC')].length;

/** The form field: lengths only, so it can run anywhere; `assertNewPassword` adds the rest. */
export const newPasswordField = z
  .string()
  .refine((value) => length(value) >= PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
  .refine((value) => length(value) <= PASSWORD_MAX_LENGTH, `Use at most ${PASSWORD_MAX_LENGTH} characters.`);

export interface PasswordContext {
  email: string;
  name?: string | null;
}

export type PasswordVerdict = { ok: true } | { ok: false; reason: string };

const WARNINGS: Record<string, string> = {
  topTen: 'This is one of the 10 most common passwords.',
  topHundred: 'This is one of the 100 most common passwords.',
  common: 'This is one of the most common passwords.',
  similarToCommon: 'This is too close to a commonly used password.',
  pwned: 'This password has appeared in data breaches.',
  wordByItself: 'A single word is easy to guess.',
  namesByThemselves: 'Names on their own are easy to guess.',
  commonNames: 'Common names are easy to guess.',
  userInputs: 'It is built from your email address or name.',
  straightRow: 'A row of keys on the keyboard is easy to guess.',
  keyPattern: 'A keyboard pattern is easy to guess.',
  simpleRepeat: 'Repeated characters like "aaa" are easy to guess.',
  extendedRepeat: 'Repeated patterns like "abcabcabc" are easy to guess.',
  sequences: 'Sequences like "abcd" or "1234" are easy to guess.',
  recentYears: 'Recent years are easy to guess.',
  dates: 'Dates are easy to guess.',
};
const WEAK = 'This password is too easy to guess.';
const ADVICE = 'A few unrelated words make a strong password.';

type Estimator = { check(password: string, userInputs?: (string | number)[]): { score: number; feedback: { warning: string | null } } };
let estimator: Promise<Estimator> | undefined;

function loadEstimator(): Promise<Estimator> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
    // Levenshtein matching multiplies the cost of a check by 5-10 for little gain over the lists themselves.
    return new ZxcvbnFactory({ dictionary: common.dictionary, graphs: common.adjacencyGraphs, useLevenshteinDistance: false, maxLength: PASSWORD_MAX_LENGTH });
  })();
  return estimator;
}

/** Words an attacker who knows the account would try first. */
function knownWords(context: PasswordContext): string[] {
  const email = context.email.trim().toLowerCase();
  const [local = '', domain = ''] = email.split('@');
  const parts = local.split(/[._+-]+/);
  const words = [email, local, parts.join(''), ...parts, domain, ...domain.split('.'), PRODUCT_NAME];
  const name = context.name?.trim().toLowerCase();
  if (name) words.push(name, name.replace(/\s+/g, ''), ...name.split(/\s+/));
  return [...new Set(words.filter((word) => word.length >= 3))];
}

/** Whether `password` may be chosen for the account in `context`, and if not, why (a sentence for the person). */
export async function checkNewPassword(password: string, context: PasswordContext): Promise<PasswordVerdict> {
  const chars = length(password);
  if (chars < PASSWORD_MIN_LENGTH) return { ok: false, reason: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (chars > PASSWORD_MAX_LENGTH) return { ok: false, reason: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  const folded = password.normalize('NFKC').toLowerCase();
  if (folded.trim() === context.email.trim().toLowerCase()) return { ok: false, reason: 'Your password cannot be your email address.' };
  if (folded.includes(PRODUCT_NAME)) return { ok: false, reason: 'Your password cannot contain the name of this service.' };
  const result = (await loadEstimator()).check(password, knownWords(context));
  if (result.score >= MIN_SCORE) return { ok: true };
  const warning = (result.feedback.warning && WARNINGS[result.feedback.warning]) || WEAK;
  return { ok: false, reason: `${warning} ${ADVICE}` };
}

/** Throws a ValidationError on `field` with the reason when `password` may not be chosen. */
export async function assertNewPassword(password: string, context: PasswordContext, field = 'password'): Promise<void> {
  const verdict = await checkNewPassword(password, context);
  if (!verdict.ok) throw ValidationError.field(field, verdict.reason);
}

/** The stored hash of a newly chosen password, once it passes the rule: how every password is set. */
export async function hashNewPassword(password: string, context: PasswordContext, field = 'password'): Promise<string> {
  await assertNewPassword(password, context, field);
  return hashPassword(password);
}
