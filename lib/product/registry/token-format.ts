import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Registry pull tokens look like `pcr_` + 32 base62 characters (190 bits of
 * randomness) + a 6-character base62 CRC-32 of those 32. The prefix lets
 * secret scanners recognize a leaked token; the checksum lets them (and the
 * gateway, before any database work) tell a real token from a typo.
 */
export const TOKEN_PREFIX = 'pcr_';
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
/** How much of a token is stored and shown to identify it. */
export const DISPLAY_PREFIX_LENGTH = TOKEN_PREFIX.length + 8;
export const TOKEN_PATTERN = /^pcr_[0-9A-Za-z]{38}$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(value: bigint, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out;
}

function checksum(body: string): string {
  return base62(BigInt(crc32(body)), CHECKSUM_LENGTH);
}

export function generateToken(): string {
  // 24 random bytes (192 bits) reduced to 32 base62 digits keeps 190 bits.
  const body = base62(BigInt(`0x${randomBytes(24).toString('hex')}`), BODY_LENGTH);
  return `${TOKEN_PREFIX}${body}${checksum(body)}`;
}

/** True for strings shaped like a token with a valid checksum. */
export function isWellFormedToken(value: string): boolean {
  if (value.length !== TOKEN_LENGTH || !TOKEN_PATTERN.test(value)) return false;
  const body = value.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + BODY_LENGTH);
  return value.slice(-CHECKSUM_LENGTH) === checksum(body);
}

export function displayPrefix(token: string): string {
  return token.slice(0, DISPLAY_PREFIX_LENGTH);
}
