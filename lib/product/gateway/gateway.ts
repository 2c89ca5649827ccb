import 'server-only';
import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { createSqlPool } from '@/lib/platform/db/sql';
import { log } from '@/lib/platform/log';
import type { RegistryChange } from '@/lib/product/registry/credentials';
import { GatewayCaches, type UpstreamRepository, type VerifyFailure } from './caches';
import { ChangeListener } from './change-listener';
import { API_VERSION, API_VERSION_HEADER, deniedMessage, MESSAGES, sendRegistryError } from './errors';
import { FailureLimiter, failureLimitsFromEnv, type FailureLimits } from './failure-limiter';
import { PullEventWriter, pullLogOptionsFromEnv, QUOTA_REFUSAL_REASON, type PullEventInput, type PullLogOptions } from './pull-log';
import { PullQuotaGate, type QuotaGateOptions } from './quota';
import { isDigest, parseGatewayPath, type GatewayRoute } from './routes';
import { headerValue, readBody, UpstreamClient, UpstreamError } from './upstream';
import { checkManifest, permittedTags, versionPolicy, type VersionPolicy } from './version-gate';
import { VersionIndex } from './versions';
import { settleClientAddress, trustedProxyHops } from '@/lib/platform/net/client-address';
import { requestTimeoutMs, startDeadline } from '@/lib/platform/net/deadline';
import { secureApiResponse } from '@/lib/platform/net/security-headers';
import { metrics } from '@/lib/platform/observability/metrics';
import { env } from '@/lib/platform/config/env';

/**
 * The registry gateway: the pull side of the OCI distribution API, served
 * from a raw node:http handler (mounted at /v2/ by lib/entry/server/start.ts, or
 * alone by lib/product/gateway/serve.ts). Every request is authenticated (Basic:
 * customer slug + registry token), checked against the token's scope and
 * proxied to the repository's upstream with the gateway's own credential.
 */
export interface GatewayOptions {
  databaseUrl: string;
  /** Shown in the Basic challenge. */
  realm?: string;
  limits?: FailureLimits;
  pullLog?: PullLogOptions;
  /** Proxies in front whose X-Forwarded-For entries are believed (default TRUST_PROXY; see lib/platform/net/client-address.ts). */
  trustProxy?: number;
  /** Connections in the gateway's own pool (default GATEWAY_DB_POOL_SIZE, else 5). */
  poolSize?: number;
  /** How long the database phase of a request may take before it is answered 503 (default REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
  /** The monthly pull quota check (GATEWAY_PULL_QUOTA=off turns it off, for deployments that do not sell by pulls). */
  quota?: QuotaGateOptions & { enabled?: boolean };
}

const MANIFEST_LIMIT = 8 * 1024 * 1024;
const FORWARDED_REQUEST_HEADERS = ['accept', 'range', 'if-none-match', 'if-modified-since'];
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-length', 'docker-content-digest', 'etag', 'accept-ranges', 'content-range', 'last-modified', 'cache-control'];

export interface Gateway {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Flushes pull events and stops listening. */
  close(): Promise<void>;
  readonly listener: ChangeListener;
  readonly caches: GatewayCaches;
  readonly upstream: UpstreamClient;
  readonly pullLog: PullEventWriter;
  readonly quota: PullQuotaGate;
  readonly versions: VersionIndex;
  ready(): Promise<boolean>;
}

interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  head: boolean;
  ip: string | null;
  userAgent: string | null;
  username?: string;
  orgId?: string;
  tokenId?: string;
}

export function createGateway(options: GatewayOptions): Gateway {
  const realm = (options.realm ?? 'Portcullis registry').replace(/"/g, '');
  const challenge = { 'WWW-Authenticate': `Basic realm="${realm}"` };
  // Its own small pool of raw SQL, not Prisma: see lib/platform/db/sql.ts.
  const db = createSqlPool(options.databaseUrl, options.poolSize ?? env('GATEWAY_DB_POOL_SIZE'));
  const limiter = new FailureLimiter(db, options.limits ?? failureLimitsFromEnv());
  const pullLog = new PullEventWriter(db, options.pullLog ?? pullLogOptionsFromEnv());
  const upstream = new UpstreamClient();
  const versions = new VersionIndex(db, upstream);
  const quota = new PullQuotaGate(db, options.quota);
  const quotaEnabled = options.quota?.enabled ?? env('GATEWAY_PULL_QUOTA') !== 'off';
  pullLog.quota = quota;
  // The caches are trusted only while the listener hears every change.
  const caches: GatewayCaches = new GatewayCaches(db, () => listener.live);
  const listener = new ChangeListener({
    databaseUrl: options.databaseUrl,
    onChange: (change: RegistryChange | { kind: 'unknown' }) => {
      caches.apply(change);
      if (change.kind === 'org') quota.forget(change.orgId);
      else if (change.kind === 'unknown') quota.clear();
      // Learned upstream schemes and bearer tokens may belong to the old credential.
      if (change.kind === 'unknown' || change.kind === 'repository') {
        upstream.reset();
        versions.clear();
      }
    },
    onReset: () => {
      caches.clear();
      quota.clear();
      versions.clear();
    },
  });
  listener.start();
  const trustProxy = options.trustProxy ?? trustedProxyHops();
  const timeoutMs = options.requestTimeoutMs ?? requestTimeoutMs();

  function record(ctx: RequestContext, route: GatewayRoute, event: Omit<PullEventInput, 'repository' | 'reference' | 'method'>) {
    if (route.kind !== 'manifest') return;
    metrics.gatewayPull(event.outcome);
    // A 401 without credentials is every client's handshake, not a failure.
    if ((event.outcome === 'unauthorized' || event.outcome === 'rate_limited') && ctx.username) metrics.authFailure('registry_token');
    pullLog.record({
      repository: route.name,
      reference: route.reference,
      method: ctx.req.method ?? 'GET',
      clientIp: ctx.ip,
      userAgent: ctx.userAgent,
      username: ctx.username ?? null,
      orgId: ctx.orgId ?? null,
      tokenId: ctx.tokenId ?? null,
      ...event,
    });
  }

  async function handleAsync(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader(API_VERSION_HEADER, API_VERSION);
    const head = req.method === 'HEAD';
    // Until the upstream call (which has its own timeouts), a stalled database must not hold the client.
    const deadline = startDeadline(res, timeoutMs, (expired) => {
      log.warn({ timeoutMs }, 'gateway request passed its deadline: database unavailable');
      sendRegistryError(expired, 503, 'UNAVAILABLE', MESSAGES.databaseDown, { headers: { 'Retry-After': '5' }, head });
    });
    const ctx: RequestContext = { req, res, head, ip: settleClientAddress(req, trustProxy), userAgent: headerValue(req.headers['user-agent']) ?? null };
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    const route = parseGatewayPath(url.pathname);

    const credentials = parseBasic(headerValue(req.headers.authorization));
    // No credentials is the handshake every client starts with, not a failure.
    if (!credentials) return sendRegistryError(res, 401, 'UNAUTHORIZED', MESSAGES.authRequired, { headers: challenge, head });
    ctx.username = credentials.username;

    let verified;
    try {
      verified = await caches.verify(credentials.username, credentials.password);
    } catch (error) {
      log.error({ err: errorMessage(error) }, 'gateway could not verify credentials: database unavailable');
      return sendRegistryError(res, 503, 'UNAVAILABLE', MESSAGES.databaseDown, { headers: { 'Retry-After': '5' }, head });
    }
    if (!verified.ok) {
      ctx.orgId = verified.orgId;
      ctx.tokenId = verified.tokenId;
      const wait = await limiter.fail(ctx.ip, credentials.username);
      if (wait) {
        record(ctx, route, { outcome: 'rate_limited', reason: `too many failed logins (${verified.reason})` });
        return sendRegistryError(res, 429, 'TOOMANYREQUESTS', MESSAGES.tooMany, { headers: { 'Retry-After': String(wait) }, head });
      }
      record(ctx, route, { outcome: 'unauthorized', reason: failureReason(verified.reason) });
      return sendRegistryError(res, 401, 'UNAUTHORIZED', failureMessage(verified.reason), { headers: challenge, head });
    }
    const token = verified.token;
    ctx.orgId = token.orgId;
    ctx.tokenId = token.tokenId;
    pullLog.touchToken(token.tokenId, ctx.ip);

    switch (route.kind) {
      case 'base':
        if (!head && req.method !== 'GET') return sendRegistryError(res, 405, 'UNSUPPORTED', MESSAGES.unsupported, { head });
        return sendJson(res, 200, {}, head);
      case 'catalog':
        return sendJson(res, 200, { repositories: token.repositories }, head);
      case 'upload':
        return sendRegistryError(res, 405, 'UNSUPPORTED', MESSAGES.unsupported, { head });
      case 'invalid':
        return sendRegistryError(res, 400, 'NAME_INVALID', route.reason, { head });
      case 'unknown':
        return sendRegistryError(res, 404, 'UNSUPPORTED', 'not a registry API path', { head });
    }

    if (req.method !== 'GET' && !head) {
      record(ctx, route, { outcome: 'denied', reason: `${req.method} refused: pull only` });
      return sendRegistryError(res, 405, 'UNSUPPORTED', MESSAGES.unsupported, { head });
    }
    if (!token.repositories.includes(route.name)) {
      const granted = await hasGrant(token.orgId, route.name);
      record(ctx, route, { outcome: 'denied', reason: granted ? 'repository not in token scope' : 'repository not granted' });
      return sendRegistryError(res, 403, 'DENIED', deniedMessage(route.name, token.orgSlug, granted), { head });
    }
    let repo: UpstreamRepository | null;
    try {
      repo = await caches.repository(route.name);
    } catch (error) {
      log.error({ err: errorMessage(error) }, 'gateway could not load a repository: database unavailable');
      return sendRegistryError(res, 503, 'UNAVAILABLE', MESSAGES.databaseDown, { headers: { 'Retry-After': '5' }, head });
    }
    if (!repo) {
      record(ctx, route, { outcome: 'denied', reason: 'repository not registered' });
      return sendRegistryError(res, 403, 'DENIED', deniedMessage(route.name, token.orgSlug, false), { head });
    }

    if (route.kind === 'manifest' && quotaEnabled) {
      // Past the monthly pull quota and its grace: manifests are refused, blobs of images already begun still flow.
      let decision;
      try {
        decision = await quota.check(token.orgId);
      } catch (error) {
        log.error({ err: errorMessage(error) }, 'gateway could not read the pull quota: database unavailable');
        return sendRegistryError(res, 503, 'UNAVAILABLE', MESSAGES.databaseDown, { headers: { 'Retry-After': '5' }, head });
      }
      if (decision.refused) {
        record(ctx, route, { outcome: 'denied', reason: QUOTA_REFUSAL_REASON });
        return sendRegistryError(res, 429, 'TOOMANYREQUESTS', decision.message, { head });
      }
    }

    if (deadline.expired) return;
    deadline.clear();
    try {
      // Version limits and perpetual fallback: null for almost every customer, and then no work at all.
      const policy = route.kind === 'blob' ? null : versionPolicy(token, route.name);
      if (policy && route.kind === 'manifest') {
        const refusal = await checkManifest(versions, repo, policy, route.reference, token.orgSlug);
        if (refusal) {
          record(ctx, route, { outcome: 'denied', reason: refusal.reason });
          return sendRegistryError(res, 403, 'DENIED', refusal.message, { head });
        }
      }
      if (route.kind === 'manifest') await proxyManifest(ctx, route, repo);
      else if (route.kind === 'blob') await proxyBlob(ctx, route, repo);
      else await proxyTags(ctx, route, repo, url.search.slice(1), policy);
    } catch (error) {
      const upstreamError = error instanceof UpstreamError;
      if (!upstreamError) log.error({ err: errorMessage(error), repository: repo.name }, 'gateway request failed');
      else log.warn({ err: error.message, repository: repo.name }, 'upstream request failed');
      record(ctx, route, { outcome: 'upstream_error', reason: upstreamError ? error.message : 'gateway error' });
      const message = upstreamError && error.kind === 'auth' ? 'the upstream registry refused the gateway; contact your vendor' : MESSAGES.upstreamDown;
      sendRegistryError(res, 502, 'UNAVAILABLE', message, { head });
    }
  }

  /** Off the hot path (only on a denial): whether the customer holds a grant, to tell "not in this token's scope" from "not granted". */
  async function hasGrant(orgId: string, repository: string): Promise<boolean> {
    try {
      const [row] = await db.$queryRaw<{ granted: boolean }[]>`
        SELECT EXISTS (
          SELECT 1 FROM entitlements e JOIN repositories r ON r.id = e.repository_id OR r.image_id = e.repository_id
          WHERE e.org_id = ${orgId} AND r.name = ${repository}) AS granted`;
      return row?.granted === true;
    } catch (error) {
      log.warn({ err: errorMessage(error) }, 'gateway could not tell why a repository was denied');
      return false;
    }
  }

  function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    return headers;
  }

  function copyResponseHeaders(from: IncomingMessage, res: ServerResponse, skip: string[] = []) {
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      if (skip.includes(name)) continue;
      const value = from.headers[name];
      if (value !== undefined) res.setHeader(name, value);
    }
  }

  /** Upstream statuses the client may see as they are; others become registry errors. */
  function upstreamFailure(ctx: RequestContext, route: GatewayRoute, status: number, what: 'manifest' | 'blob' | 'tags'): boolean {
    if (status === 404) {
      record(ctx, route, { outcome: 'not_found', reason: 'not found upstream' });
      const code = what === 'manifest' ? 'MANIFEST_UNKNOWN' : what === 'blob' ? 'BLOB_UNKNOWN' : 'NAME_UNKNOWN';
      sendRegistryError(ctx.res, 404, code, `${what === 'tags' ? 'repository' : what} unknown`, { head: ctx.head });
      return true;
    }
    if (status === 429 || status >= 500 || (status >= 400 && status !== 416)) {
      record(ctx, route, { outcome: 'upstream_error', reason: `upstream answered ${status}` });
      sendRegistryError(ctx.res, 502, 'UNAVAILABLE', MESSAGES.upstreamDown, { head: ctx.head });
      return true;
    }
    return false;
  }

  async function proxyManifest(ctx: RequestContext, route: Extract<GatewayRoute, { kind: 'manifest' }>, repo: UpstreamRepository) {
    const headers = forwardHeaders(ctx.req);
    const response = await upstream.request(repo, { method: ctx.head ? 'HEAD' : 'GET', path: `manifests/${route.reference}`, headers, redirects: 'follow' });
    const status = response.statusCode ?? 502;
    if (status === 304) {
      response.resume();
      copyResponseHeaders(response, ctx.res);
      ctx.res.writeHead(304).end();
      return;
    }
    if (upstreamFailure(ctx, route, status, 'manifest')) {
      response.resume();
      return;
    }
    let digest = headerValue(response.headers['docker-content-digest']);
    if (ctx.head) {
      response.resume();
      if (!digest && isDigest(route.reference)) digest = route.reference;
      let length = headerValue(response.headers['content-length']);
      let type = headerValue(response.headers['content-type']);
      if (!digest || !length) {
        // Clients need both on HEAD; fetch the manifest to compute what is missing.
        const full = await upstream.request(repo, { method: 'GET', path: `manifests/${route.reference}`, headers, redirects: 'follow' });
        if (upstreamFailure(ctx, route, full.statusCode ?? 502, 'manifest')) {
          full.resume();
          return;
        }
        const body = await readBody(full, MANIFEST_LIMIT);
        digest ??= `sha256:${createHash('sha256').update(body).digest('hex')}`;
        length = String(body.length);
        type ??= headerValue(full.headers['content-type']);
      }
      copyResponseHeaders(response, ctx.res);
      ctx.res.setHeader('Docker-Content-Digest', digest);
      ctx.res.setHeader('Content-Length', length);
      if (type) ctx.res.setHeader('Content-Type', type);
      ctx.res.writeHead(200).end();
    } else {
      const body = await readBody(response, MANIFEST_LIMIT);
      digest ??= `sha256:${createHash('sha256').update(body).digest('hex')}`;
      copyResponseHeaders(response, ctx.res, ['content-length']);
      ctx.res.setHeader('Docker-Content-Digest', digest);
      ctx.res.setHeader('Content-Length', body.length);
      ctx.res.writeHead(200).end(body);
    }
    record(ctx, route, { outcome: 'success', digest });
  }

  async function proxyBlob(ctx: RequestContext, route: Extract<GatewayRoute, { kind: 'blob' }>, repo: UpstreamRepository) {
    const passthrough = repo.redirectMode === 'passthrough';
    const response = await upstream.request(repo, {
      method: ctx.head ? 'HEAD' : 'GET',
      path: `blobs/${route.digest}`,
      headers: forwardHeaders(ctx.req),
      redirects: passthrough ? 'passthrough' : 'follow',
    });
    const status = response.statusCode ?? 502;
    if (passthrough && status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      const location = new URL(response.headers.location, repo.upstreamUrl).toString();
      ctx.res.writeHead(307, { Location: location, 'Content-Length': 0 }).end();
      return;
    }
    if (upstreamFailure(ctx, route, status, 'blob')) {
      response.resume();
      return;
    }
    copyResponseHeaders(response, ctx.res);
    if (!ctx.res.hasHeader('docker-content-digest')) ctx.res.setHeader('Docker-Content-Digest', route.digest);
    ctx.res.writeHead(status);
    if (ctx.head) {
      response.resume();
      ctx.res.end();
      return;
    }
    // Streamed with backpressure: memory stays flat whatever the layer's size.
    await pipeline(response, ctx.res);
  }

  async function proxyTags(ctx: RequestContext, route: Extract<GatewayRoute, { kind: 'tags' }>, repo: UpstreamRepository, query: string, policy: VersionPolicy | null) {
    const params = new URLSearchParams(query);
    const forwarded = new URLSearchParams();
    for (const key of ['n', 'last']) if (params.has(key)) forwarded.set(key, params.get(key)!);
    const response = await upstream.request(repo, {
      method: 'GET',
      path: 'tags/list',
      query: forwarded.toString(),
      headers: { accept: 'application/json' },
      redirects: 'follow',
    });
    if (upstreamFailure(ctx, route, response.statusCode ?? 502, 'tags')) {
      response.resume();
      return;
    }
    const body = JSON.parse((await readBody(response, MANIFEST_LIMIT)).toString('utf8')) as { tags?: string[] | null };
    const link = headerValue(response.headers.link);
    if (link) {
      const next = /<([^>]+)>/.exec(link)?.[1];
      if (next) {
        const nextParams = new URL(next, 'http://upstream.invalid').searchParams;
        ctx.res.setHeader('Link', `</v2/${route.name}/tags/list?${nextParams.toString()}>; rel="next"`);
      }
    }
    const tags = body.tags ?? [];
    sendJson(ctx.res, 200, { name: route.name, tags: policy ? await permittedTags(versions, repo, policy, tags) : tags }, ctx.head);
  }

  return {
    handle(req, res) {
      secureApiResponse(res);
      handleAsync(req, res).catch((error: unknown) => {
        log.error({ err: errorMessage(error) }, 'gateway request crashed');
        sendRegistryError(res, 500, 'UNKNOWN', 'internal error', { head: req.method === 'HEAD' });
      });
    },
    async close() {
      await listener.stop();
      await pullLog.close();
      await db.end();
    },
    ready: () => listener.ready(),
    listener,
    caches,
    upstream,
    pullLog,
    quota,
    versions,
  };
}

export function parseBasic(header: string | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sendJson(res: ServerResponse, status: number, value: unknown, head: boolean) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

function failureMessage(reason: VerifyFailure): string {
  if (reason === 'revoked') return MESSAGES.revoked;
  if (reason === 'expired') return MESSAGES.expired;
  if (reason === 'inactive') return MESSAGES.inactive;
  return MESSAGES.badCredentials;
}

function failureReason(reason: VerifyFailure): string {
  return {
    malformed: 'malformed token',
    unknown: 'unknown token',
    wrong_user: 'token belongs to another customer',
    revoked: 'token revoked',
    expired: 'token expired',
    inactive: 'customer not active',
  }[reason];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
