import 'server-only';
import { clientAddress } from '@/lib/platform/net/client-address';

/**
 * The client's address as the server decided it (lib/platform/net/client-address.ts:
 * the socket peer, or a hop vouched for by TRUST_PROXY). lib/entry/server/start.ts
 * replaces whatever X-Forwarded-For the client sent with that one address
 * before Next.js runs, so this only reads it back; should several entries
 * ever arrive, the one nearest the server is the least forgeable.
 */
export function clientIp(headers: Headers): string | null {
  return clientAddress(null, headers.get('x-forwarded-for') ?? undefined, 1);
}
