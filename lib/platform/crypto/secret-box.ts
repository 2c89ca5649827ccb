import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secret } from '@/lib/platform/config/secrets';

/**
 * AES-256-GCM envelope for secrets the server must read back (upstream
 * registry credentials, signing keys, webhook secrets):
 * `v1.<iv>.<tag>.<ciphertext>`, base64url, key from ENCRYPTION_KEY.
 * `context` is bound as associated data so a ciphertext cannot be moved to
 * another row or column.
 */
function key(): Buffer {
  const raw = Buffer.from(secret('ENCRYPTION_KEY'), 'base64');
  if (raw.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes, base64-encoded');
  return raw;
}

export function seal(plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function open(envelope: string, context: string): string {
  const [version, iv, tag, body] = envelope.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Malformed secret envelope');
  const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
