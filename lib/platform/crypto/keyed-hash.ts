import 'server-only';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { secret } from '@/lib/platform/config/secrets';

/** HMAC-SHA256 under the server's TOKEN_HASH_SECRET: how bearer secrets are stored. */
export function keyedHash(value: string): string {
  return createHmac('sha256', secret('TOKEN_HASH_SECRET')).update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * A secret with a recognizable prefix (for secret scanners) and `bytes` of
 * entropy, base62 so it survives shells, URLs and YAML unquoted.
 */
export function generateSecret(prefix: string, bytes = 24): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = BigInt(`0x${randomBytes(bytes).toString('hex')}`);
  let body = '';
  const length = Math.ceil((bytes * 8) / Math.log2(62));
  for (let i = 0; i < length; i++) {
    body = alphabet[Number(n % 62n)] + body;
    n /= 62n;
  }
  return `${prefix}${body}`;
}
