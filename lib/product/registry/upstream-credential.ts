import 'server-only';
import { open, seal } from '@/lib/platform/crypto/secret-box';

/**
 * Upstream registry passwords/tokens are sealed with AES-256-GCM bound to the
 * repository row, so a ciphertext copied to another row does not decrypt.
 * Only the gateway opens them; nothing displays them again.
 */
function context(repositoryId: string): string {
  return `repository:${repositoryId}:upstream`;
}

export function sealUpstreamSecret(repositoryId: string, secret: string): string {
  return seal(secret, context(repositoryId));
}

export function openUpstreamSecret(repositoryId: string, envelope: string): string {
  return open(envelope, context(repositoryId));
}
