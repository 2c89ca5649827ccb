import 'server-only';
import { prisma, type Db } from '@/lib/platform/db/client';
import { RateLimitedError } from '@/lib/platform/errors';
import { addressKey, hitRateLimit, refundRateLimit, reserveInterval, reserveRateLimit, resetRateLimit, type Reservation } from '@/lib/platform/rate-limit';
import { DAY } from '@/lib/platform/time';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * Password guessing limits. Every attempt is reserved (counted) before the
 * password is checked, each budget by one atomic statement, so parallel
 * requests cannot all pass a check made before anyone counted; a successful
 * sign-in gives its reservation back. Three budgets:
 *
 *  - per client address (IPv4, or the IPv6 /64): `perAddress` attempts per
 *    15 minutes across all accounts, which stops one machine spraying;
 *  - per account at one address: `perAccountAddress` attempts per 15
 *    minutes, which stops one machine guessing one account — and locks only
 *    that machine out, never the account;
 *  - per account from addresses it has never signed in from (many machines
 *    guessing one account): after `accountFreeFailures` such attempts in a
 *    day the account is slowed, not locked: one attempt at a time, at least
 *    2^n seconds apart after the n-th further attempt, up to
 *    `accountMaxDelaySeconds`. An address the user signed in from with the
 *    right password in the last 90 days skips this slow-down, so an attacker
 *    cannot keep the real user out.
 */
export interface SignInLimits {
  perAddress: number;
  perAccountAddress: number;
  accountFreeFailures: number;
  accountMaxDelaySeconds: number;
}

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
const ACCOUNT_WINDOW_SECONDS = 24 * 60 * 60;
const KNOWN_ADDRESS_DAYS = 90;

export function signInLimitsFromEnv(source?: EnvSource): SignInLimits {
  return {
    perAddress: env('SIGN_IN_MAX_FAILURES_PER_IP', source),
    perAccountAddress: env('SIGN_IN_MAX_FAILURES_PER_EMAIL', source),
    accountFreeFailures: env('SIGN_IN_ACCOUNT_FAILURES_BEFORE_DELAY', source),
    accountMaxDelaySeconds: env('SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS', source),
  };
}

export interface SignInAttempt {
  /** The password was right: give back what this attempt counted and remember the address (call inside the sign-in's transaction). */
  succeeded(tx: Db, userId: string): Promise<void>;
  /**
   * The password was right but a second factor comes next: give back only the
   * per-address count (a right password is no spray); the account's counts stay
   * until the second factor is right too, so a known password earns no fresh guesses.
   */
  passwordRight(tx: Db): Promise<void>;
}

/**
 * Reserves one password check for `email` from `ip`, or throws
 * RateLimitedError (and counts nothing) when a budget is spent. A failed
 * check needs no further call: the reservation is the count.
 */
export async function reserveSignInAttempt(
  input: { email: string; userId: string | null; ip: string | null },
  limits: SignInLimits,
): Promise<SignInAttempt> {
  const address = addressKey(input.ip);
  const keys = {
    address: `sign-in:ip:${address}`,
    accountAddress: `sign-in:email-ip:${input.email}|${address}`,
    account: `sign-in:email:${input.email}`,
    accountSlot: `sign-in:email-slot:${input.email}`,
  };
  const known = input.userId !== null && address !== 'unknown' && (await isKnownAddress(input.userId, address));

  // Each reservation is one statement (no transaction holding a connection
  // while it waits for a row lock, which a spray would turn into pool
  // exhaustion); a later refusal gives back what the earlier ones took.
  const taken: string[] = [];
  const release = () => Promise.all(taken.map((key) => refundRateLimit(prisma, key)));
  const take = async (key: string, reservation: Reservation, scope: string) => {
    if (!reservation.ok) {
      await release();
      refuse(reservation.retryAfterSeconds, scope);
    }
    taken.push(key);
  };
  await take(keys.address, await reserveRateLimit(prisma, keys.address, limits.perAddress, SIGN_IN_WINDOW_SECONDS), 'from your network');
  await take(keys.accountAddress, await reserveRateLimit(prisma, keys.accountAddress, limits.perAccountAddress, SIGN_IN_WINDOW_SECONDS), 'for this account');
  let countedOnAccount = false;
  if (!known) {
    const free = await reserveRateLimit(prisma, keys.account, limits.accountFreeFailures, ACCOUNT_WINDOW_SECONDS);
    if (!free.ok) {
      // Past the free budget: one attempt per slot, the slots further apart the more attempts the account has had.
      const delay = Math.min(limits.accountMaxDelaySeconds, 2 ** Math.max(0, free.count - limits.accountFreeFailures));
      await take(keys.accountSlot, await reserveInterval(prisma, keys.accountSlot, delay), 'for this account');
      await hitRateLimit(prisma, keys.account, ACCOUNT_WINDOW_SECONDS);
    }
    countedOnAccount = true;
  }

  return {
    async passwordRight(tx) {
      await refundRateLimit(tx, keys.address);
    },
    async succeeded(tx, userId) {
      await refundRateLimit(tx, keys.address);
      await resetRateLimit(tx, keys.accountAddress);
      if (countedOnAccount) await refundRateLimit(tx, keys.account);
      if (address !== 'unknown') {
        await tx.signInAddress.upsert({
          where: { userId_address: { userId, address } },
          create: { userId, address, lastSeenAt: new Date() },
          update: { lastSeenAt: new Date() },
        });
      }
    },
  };
}

async function isKnownAddress(userId: string, address: string): Promise<boolean> {
  const since = new Date(Date.now() - KNOWN_ADDRESS_DAYS * DAY);
  const row = await prisma.signInAddress.findFirst({ where: { userId, address, lastSeenAt: { gt: since } }, select: { userId: true } });
  return row !== null;
}

function refuse(retryAfterSeconds: number, scope: string): never {
  throw new RateLimitedError(`Too many sign-in attempts ${scope}. Try again in ${waitText(retryAfterSeconds)}.`, retryAfterSeconds);
}

export function waitText(seconds: number): string {
  if (seconds < 2) return '1 second';
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}
