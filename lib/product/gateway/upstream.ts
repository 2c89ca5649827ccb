import 'server-only';
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { log } from '@/lib/platform/log';
import type { UpstreamRepository } from './caches';

/**
 * Requests to a repository's upstream registry, holding its credential
 * server-side. Learns per repository which scheme the upstream challenges
 * with (none, Basic, or the Bearer token dance) and caches bearer tokens per
 * realm, service and scope until shortly before they expire.
 */
const agentOptions = { keepAlive: true, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' as const };
const httpAgent = new http.Agent(agentOptions);
const httpsAgent = new https.Agent(agentOptions);
const CONNECT_TIMEOUT_MS = 5_000;
const RESPONSE_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
/** Refresh bearer tokens this long before the upstream says they expire. */
const TOKEN_MARGIN_MS = 10_000;

export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'auth' | 'protocol',
  ) {
    super(message);
  }
}

type Scheme = { kind: 'basic' } | { kind: 'bearer'; realm: string; service?: string };

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="...",service="...",scope="..."`. */
export function parseChallenge(header: string | undefined): Challenge | null {
  if (!header) return null;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let part: RegExpExecArray | null;
  while ((part = re.exec(match[2]!))) params[part[1]!.toLowerCase()] = (part[2] ?? part[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: match[1]!.toLowerCase(), params };
}

export interface UpstreamRequest {
  method: 'GET' | 'HEAD';
  /** Path below /v2/<upstream repository>/, e.g. `manifests/latest`. */
  path: string;
  query?: string;
  headers: OutgoingHttpHeaders;
  /** For blobs: follow redirects without credentials (default) or hand them back. */
  redirects: 'follow' | 'passthrough' | 'none';
}

export class UpstreamClient {
  private schemes = new Map<string, Scheme>();
  private tokens = new Map<string, { token: string; until: number }>();
  private pendingTokens = new Map<string, Promise<string>>();
  /** Token endpoint calls, for tests and diagnostics. */
  tokenFetches = 0;

  /** Sends the request, authenticating as the upstream demands. The response body is the caller's to consume. */
  async request(repo: UpstreamRepository, request: UpstreamRequest): Promise<IncomingMessage> {
    const url = `${repo.upstreamUrl}/v2/${repo.upstreamRepository}/${request.path}${request.query ? `?${request.query}` : ''}`;
    let retried = false;
    for (;;) {
      const auth = await this.authorization(repo);
      const response = await send(request.method, url, { ...request.headers, ...(auth ? { authorization: auth } : {}) });
      if (response.statusCode === 401 && !retried) {
        const challenge = parseChallenge(headerValue(response.headers['www-authenticate']));
        response.resume();
        retried = true;
        this.learn(repo, challenge);
        continue;
      }
      if (response.statusCode === 401 || response.statusCode === 403) {
        response.resume();
        log.warn({ repository: repo.name, upstream: repo.upstreamUrl, status: response.statusCode }, 'upstream rejected the gateway credential');
        throw new UpstreamError('upstream rejected the gateway credential', 'auth');
      }
      if (isRedirect(response.statusCode) && request.redirects === 'follow') {
        return this.follow(request, response, url);
      }
      return response;
    }
  }

  private async follow(request: UpstreamRequest, first: IncomingMessage, base: string): Promise<IncomingMessage> {
    let response = first;
    let from = base;
    for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
      const location = headerValue(response.headers.location);
      response.resume();
      if (!location) throw new UpstreamError('upstream redirect without a Location', 'protocol');
      from = new URL(location, from).toString();
      // The upstream credential stays with the upstream: storage CDNs get none.
      const { authorization: _authorization, ...headers } = request.headers;
      response = await send(request.method, from, headers);
      if (!isRedirect(response.statusCode)) return response;
    }
    response.resume();
    throw new UpstreamError('too many upstream redirects', 'protocol');
  }

  private learn(repo: UpstreamRepository, challenge: Challenge | null): void {
    if (challenge?.scheme === 'bearer' && challenge.params.realm) {
      this.schemes.set(repo.id, { kind: 'bearer', realm: challenge.params.realm, service: challenge.params.service });
      // A 401 with a cached token means the token went bad early: fetch anew.
      for (const key of this.tokens.keys()) if (key.startsWith(`${repo.id}\u0000`)) this.tokens.delete(key);
    } else if (challenge?.scheme === 'basic') {
      this.schemes.set(repo.id, { kind: 'basic' });
    } else {
      this.schemes.delete(repo.id);
    }
  }

  private async authorization(repo: UpstreamRepository): Promise<string | null> {
    const scheme = this.schemes.get(repo.id);
    if (!scheme) return null;
    if (scheme.kind === 'basic') return repo.upstreamUsername || repo.upstreamSecret ? basic(repo) : null;
    const scope = `repository:${repo.upstreamRepository}:pull`;
    const key = `${repo.id}\u0000${scheme.realm}\u0000${scheme.service ?? ''}\u0000${scope}`;
    const cached = this.tokens.get(key);
    if (cached && cached.until > Date.now()) return `Bearer ${cached.token}`;
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      pending = this.fetchToken(repo, scheme, scope, key).finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  private async fetchToken(repo: UpstreamRepository, scheme: Extract<Scheme, { kind: 'bearer' }>, scope: string, key: string): Promise<string> {
    const url = new URL(scheme.realm);
    if (scheme.service) url.searchParams.set('service', scheme.service);
    url.searchParams.set('scope', scope);
    this.tokenFetches++;
    const headers: OutgoingHttpHeaders = { accept: 'application/json' };
    if (repo.upstreamUsername || repo.upstreamSecret) headers.authorization = basic(repo);
    const response = await send('GET', url.toString(), headers);
    const body = await readBody(response, 1024 * 1024);
    if (response.statusCode !== 200) {
      log.warn({ repository: repo.name, realm: url.origin + url.pathname, status: response.statusCode }, 'upstream token endpoint refused the gateway credential');
      throw new UpstreamError('upstream token endpoint refused the gateway credential', 'auth');
    }
    let parsed: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try {
      parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
    } catch {
      throw new UpstreamError('upstream token endpoint answered something other than JSON', 'protocol');
    }
    const token = parsed.token ?? parsed.access_token;
    if (!token) throw new UpstreamError('upstream token endpoint answered no token', 'protocol');
    const issuedAt = parsed.issued_at ? Date.parse(parsed.issued_at) : NaN;
    const start = Number.isFinite(issuedAt) ? Math.min(issuedAt, Date.now()) : Date.now();
    const lifetime = (parsed.expires_in && parsed.expires_in > 0 ? parsed.expires_in : 60) * 1000;
    this.tokens.set(key, { token, until: start + Math.max(lifetime - TOKEN_MARGIN_MS, lifetime / 2) });
    return token;
  }

  /** Forgets learned schemes and tokens (e.g. after a repository's credential changed). */
  reset(): void {
    this.schemes.clear();
    this.tokens.clear();
  }
}

function basic(repo: UpstreamRepository): string {
  return `Basic ${Buffer.from(`${repo.upstreamUsername ?? ''}:${repo.upstreamSecret ?? ''}`).toString('base64')}`;
}

export function isRedirect(status: number | undefined): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function send(method: string, url: string, headers: OutgoingHttpHeaders, retryStale = true): Promise<IncomingMessage> {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      { method, headers: { 'user-agent': 'portcullis-gateway', ...headers }, agent: target.protocol === 'https:' ? httpsAgent : httpAgent, timeout: RESPONSE_TIMEOUT_MS },
      (res) => {
        clearTimeout(connectTimer);
        res.setTimeout(RESPONSE_TIMEOUT_MS * 2, () => res.destroy(new Error('upstream body stalled')));
        resolve(res);
      },
    );
    const connectTimer = setTimeout(() => req.destroy(new UpstreamError(`upstream did not answer within ${RESPONSE_TIMEOUT_MS / 1000} s`, 'unreachable')), RESPONSE_TIMEOUT_MS);
    req.on('socket', (socket) => {
      if (socket.connecting) {
        const timer = setTimeout(() => req.destroy(new UpstreamError('upstream connect timeout', 'unreachable')), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      }
    });
    req.on('timeout', () => req.destroy(new UpstreamError('upstream timed out', 'unreachable')));
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      // A kept-alive socket the upstream closed meanwhile: GET and HEAD are safe to send again.
      if (retryStale && req.reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
        resolve(send(method, url, headers, false));
        return;
      }
      reject(error instanceof UpstreamError ? error : new UpstreamError(`upstream unreachable: ${(error as NodeJS.ErrnoException).code ?? error.message}`, 'unreachable'));
    });
    req.end();
  });
}

export async function readBody(response: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      response.destroy();
      throw new UpstreamError(`upstream response larger than ${limit} bytes`, 'protocol');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function closeUpstreamAgents(): void {
  httpAgent.destroy();
  httpsAgent.destroy();
}
