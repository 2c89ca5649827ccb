import 'server-only';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { env } from '@/lib/platform/config/env';

/**
 * Who is on the other end of a request. The socket's peer is the only
 * address nobody can forge; `X-Forwarded-For` is believed only for the hops
 * the operator vouches for with TRUST_PROXY (the number of proxies in front
 * of Portcullis), counted from the right, because each proxy appends the
 * address it saw and everything left of the last trusted entry is whatever
 * the client chose to send.
 */

/** Request headers a client could use to claim another address, host or scheme. */
function forwardingHeader(name: string): boolean {
  return name.startsWith('x-forwarded-') || name === 'forwarded' || name === 'x-real-ip';
}

/**
 * TRUST_PROXY as a hop count: unset, `false` or `0` trusts none; `true` is
 * one proxy (what it used to mean); a whole number is that many proxies.
 * Anything else stops the server at start rather than trusting by accident.
 */
export function trustedProxyHops(value?: string): number {
  return env('TRUST_PROXY', value === undefined ? undefined : { TRUST_PROXY: value });
}

/** An address as written in a header or by the socket, without port, brackets or IPv4-mapped prefix; null unless it is an IP. */
function normalize(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  value = value.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return isIP(value) ? value.toLowerCase() : null;
}

function commaList(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * The client's address: the socket peer, or with `hops` trusted proxies the
 * entry that many hops left of it in X-Forwarded-For (the furthest one when
 * the chain is shorter). Entries that are not IP addresses are skipped
 * towards the peer, never towards the client.
 */
export function clientAddress(peer: string | undefined | null, forwardedFor: string | string[] | undefined, hops: number): string | null {
  const chain = [...(hops > 0 ? commaList(forwardedFor) : []), peer ?? ''];
  for (let i = Math.max(0, chain.length - 1 - hops); i < chain.length; i++) {
    const address = normalize(chain[i]);
    if (address) return address;
  }
  return null;
}

const settled = new WeakMap<IncomingMessage, string | null>();

/**
 * Decides the client's address once per request, before Next.js or the
 * registry gateway sees it, and rewrites the forwarding headers so every
 * reader downstream (next-auth, server actions, the audit log, the gateway)
 * sees only that decision: `X-Forwarded-For` becomes the one address, and
 * `X-Forwarded-Proto`/`-Host` survive only as the nearest trusted proxy set
 * them. Calling it again for the same request returns the same answer.
 */
export function settleClientAddress(req: IncomingMessage, hops = trustedProxyHops()): string | null {
  if (settled.has(req)) return settled.get(req)!;
  const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], hops);
  const proto = hops > 0 ? commaList(req.headers['x-forwarded-proto']).at(-1) : undefined;
  const host = hops > 0 ? commaList(req.headers['x-forwarded-host']).at(-1) : undefined;
  for (const name of Object.keys(req.headers)) if (forwardingHeader(name)) delete req.headers[name];
  if (address) req.headers['x-forwarded-for'] = address;
  if (proto === 'http' || proto === 'https') req.headers['x-forwarded-proto'] = proto;
  if (host) req.headers['x-forwarded-host'] = host;
  settled.set(req, address);
  return address;
}
