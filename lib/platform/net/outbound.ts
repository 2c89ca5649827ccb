import 'server-only';
import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '@/lib/platform/errors';
import { env } from '@/lib/platform/config/env';

/**
 * The one way the server requests a URL that a person typed (OIDC
 * discovery, SAML metadata, SIEM destinations, webhooks). A customer admin
 * must not be able to make the portal probe the vendor's network or read
 * back what it finds there:
 *
 * - the host is resolved once, every address it resolves to must be public
 *   unicast (no loopback, private, link-local, CGNAT, multicast, reserved,
 *   unspecified, IPv4-mapped/compatible, NAT64, 6to4 or Teredo forms), and
 *   the connection goes to the address that was checked (no DNS rebinding);
 * - redirects are never followed (a 3xx is returned as it is);
 * - there is one deadline for lookup, connect and response, and a size cap;
 * - errors are generic: they never carry the response body, the resolved
 *   address or the socket error.
 *
 * OUTBOUND_ALLOW_PRIVATE_URLS=true (alias SIEM_ALLOW_PRIVATE_URLS) allows
 * private addresses for development and tests; nothing else relaxes it.
 */

export type OutboundFailure = 'invalid_url' | 'forbidden_address' | 'unresolvable' | 'timeout' | 'unreachable' | 'too_large';

const MESSAGES: Record<OutboundFailure, string> = {
  invalid_url: 'Enter a valid http(s) URL.',
  forbidden_address: 'This URL points into a private or reserved network, which Portcullis does not contact.',
  unresolvable: 'Could not reach this URL.',
  timeout: 'Could not reach this URL.',
  unreachable: 'Could not reach this URL.',
  too_large: 'The response from this URL was too large.',
};

export class OutboundError extends AppError {
  constructor(readonly reason: OutboundFailure) {
    super(MESSAGES[reason], 400, 'outbound_refused');
  }
}

export function privateOutboundAllowed(): boolean {
  return env('OUTBOUND_ALLOW_PRIVATE_URLS') || env('SIEM_ALLOW_PRIVATE_URLS');
}

// Global unicast IPv6 lives in 2000::/3; everything outside it (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96 and
// 64:ff9b:1::/48, ULA, link-local, multicast) is refused, and so are the special ranges ipaddr.js names inside it.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** True only for an address on the public internet. Anything that does not parse is not public. */
export function isPublicAddress(address: string): boolean {
  const literal = address.replace(/^\[|\]$/g, '');
  // Only canonical forms (node's parser): ipaddr.js also reads "01.02.03.04" and "0x7f.1", which mean other things elsewhere.
  if (!isIP(literal)) return false;
  let parsed = ipaddr.parse(literal);
  // ::ffff:127.0.0.1 is 127.0.0.1 to the kernel: judge the IPv4 it carries.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  return parsed.match(GLOBAL_UNICAST_V6) && parsed.range() === 'unicast';
}

// C0 controls, DEL, and whitespace: WHATWG URL parsing strips or tolerates them, so "javascript:\n..." or
// "http://a b" would mean something else to another parser than to the one that checked it.
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f-\u009f]/;

/**
 * Parses a URL a person typed, strictly: the raw string must be a plain http(s) URL without control characters,
 * whitespace or credentials. `https:` only unless `allowHttp`.
 */
export function parseOutboundUrl(raw: string, options: { allowHttp?: boolean } = {}): URL {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000 || UNSAFE_CHARACTERS.test(raw)) throw new OutboundError('invalid_url');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
  if (scheme !== 'https' && !(scheme === 'http' && options.allowHttp)) throw new OutboundError('invalid_url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('invalid_url');
  }
  if (url.protocol !== `${scheme}:` || !url.hostname || url.username || url.password) throw new OutboundError('invalid_url');
  return url;
}

/** Resolves the host once and returns the address to connect to, refusing any non-public answer. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export async function resolveOutboundHost(
  hostname: string,
  options: { allowPrivate?: boolean; signal?: AbortSignal; resolve?: Resolver } = {},
): Promise<{ address: string; family: 4 | 6 }> {
  const allowPrivate = options.allowPrivate ?? privateOutboundAllowed();
  const literal = hostname.replace(/^\[|\]$/g, '');
  let answers: { address: string; family: number }[];
  if (isIP(literal)) {
    answers = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  } else {
    try {
      answers = await Promise.race([
        (options.resolve ?? systemResolver)(literal),
        new Promise<never>((_, reject) => options.signal?.addEventListener('abort', () => reject(new OutboundError('timeout')), { once: true })),
      ]);
    } catch (error) {
      throw error instanceof OutboundError ? error : new OutboundError('unresolvable');
    }
  }
  if (answers.length === 0) throw new OutboundError('unresolvable');
  // Every answer must pass: a name that resolves to one public and one private address is refused.
  if (!allowPrivate && !answers.every((answer) => isPublicAddress(answer.address))) throw new OutboundError('forbidden_address');
  const first = answers[0]!;
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface OutboundRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** One deadline for lookup, connect, request and the whole response. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  /** `http:` URLs are refused unless allowed (SSO allows them outside production). */
  allowHttp?: boolean;
  /** Per-destination exception (a staff-admin's audited decision); defaults to OUTBOUND_ALLOW_PRIVATE_URLS. */
  allowPrivate?: boolean;
  /** The name lookup (tests substitute one to prove the connection goes to the checked address). */
  resolve?: Resolver;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

export async function outboundRequest(rawUrl: string, request: OutboundRequest = {}): Promise<OutboundResponse> {
  const url = parseOutboundUrl(rawUrl, { allowHttp: request.allowHttp ?? true });
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const signal = AbortSignal.timeout(timeoutMs);
  const target = await resolveOutboundHost(url.hostname, { allowPrivate: request.allowPrivate, signal, resolve: request.resolve });
  if (signal.aborted) throw new OutboundError('timeout');

  // The socket connects to the checked address whatever the name would resolve to now.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const fail = (reason: OutboundFailure) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(new OutboundError(reason));
    };
    const req = transport.request(
      url,
      {
        method: request.method ?? 'GET',
        headers: { 'user-agent': 'Portcullis', ...request.headers, ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) },
        lookup: pinned,
        agent: false,
        signal,
        ...(url.protocol === 'https:' ? { servername: isIP(url.hostname.replace(/^\[|\]$/g, '')) ? undefined : url.hostname } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail('too_large');
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', () => fail(signal.aborted ? 'timeout' : 'unreachable'));
      },
    );
    req.on('error', () => fail(signal.aborted ? 'timeout' : 'unreachable'));
    if (request.body !== undefined) req.end(request.body);
    else req.end();
  });
}
