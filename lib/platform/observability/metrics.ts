import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics for one process. The registry lives on globalThis: Next
 * bundles route handlers separately from the custom server (lib/entry/server), so
 * a module-level registry would exist twice and /api/metrics would miss what
 * the server and the gateway count.
 *
 * Call the small helpers in `metrics` from anywhere (gateway, webhooks, jobs);
 * they never throw.
 */

interface MetricSet {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method'>;
  gatewayPulls: Counter<'outcome'>;
  authFailures: Counter<'kind'>;
  webhooks: Counter<'source' | 'outcome'>;
  pullEventBufferDepth: Gauge;
  dbPool: Gauge<'state'>;
  siemQueue: Gauge<'status'>;
}

/** Reads the database pool's counts when scraped; set by lib/platform/db/client. */
export type PoolStats = () => { total: number; idle: number; waiting: number; max: number } | null;

const store = globalThis as unknown as { __portcullisMetrics?: MetricSet; __portcullisPoolStats?: PoolStats };

function create(): MetricSet {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'portcullis' });
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'portcullis_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'portcullis_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern and method.',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    gatewayPulls: new Counter({
      name: 'portcullis_gateway_pulls_total',
      help: 'Registry gateway manifest requests, by outcome (success, unauthorized, denied, not_found, rate_limited, upstream_error).',
      labelNames: ['outcome'],
      registers,
    }),
    authFailures: new Counter({
      name: 'portcullis_auth_failures_total',
      help: 'Failed authentications, by kind (password, registry_token, sso, metrics_token, ...).',
      labelNames: ['kind'],
      registers,
    }),
    webhooks: new Counter({
      name: 'portcullis_webhooks_total',
      help: 'Webhooks received (stripe) or sent (siem), by source and outcome.',
      labelNames: ['source', 'outcome'],
      registers,
    }),
    pullEventBufferDepth: new Gauge({
      name: 'portcullis_pull_event_buffer_depth',
      help: 'Pull events waiting in memory to be written to the database.',
      registers,
    }),
    dbPool: new Gauge({
      name: 'portcullis_db_pool_connections',
      help: 'Database pool connections of this process, by state (total, idle, active, waiting, max).',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = store.__portcullisPoolStats?.();
        if (!stats) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'active' }, stats.total - stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
        this.set({ state: 'max' }, stats.max);
      },
    }),
    siemQueue: new Gauge({
      name: 'portcullis_siem_deliveries',
      help: 'SIEM deliveries by status, as last seen by this process\'s delivery worker.',
      labelNames: ['status'],
      registers,
    }),
  };
}

export function metricSet(): MetricSet {
  store.__portcullisMetrics ??= create();
  return store.__portcullisMetrics;
}

export function registerPoolStats(read: PoolStats): void {
  store.__portcullisPoolStats = read;
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // Metrics must never break the request that reports them.
  }
}

export const metrics = {
  /** One answered HTTP request; `route` must be a pattern (see routeLabel), never a raw path. */
  httpRequest(route: string, method: string, status: number, seconds: number) {
    safely(() => {
      const set = metricSet();
      set.httpRequests.inc({ route, method, status: String(status) });
      set.httpDuration.observe({ route, method }, seconds);
    });
  },
  /** The gateway's result for one manifest request. */
  gatewayPull(outcome: string) {
    safely(() => metricSet().gatewayPulls.inc({ outcome }));
  },
  /** A rejected credential: `password`, `registry_token`, `sso`, `metrics_token`, ... */
  authFailure(kind: string) {
    safely(() => metricSet().authFailures.inc({ kind }));
  },
  /**
   * A webhook received or sent. `stripe` (received): applied, unchanged, stale, ignored, duplicate,
   * bad_signature, not_configured, error. `siem` (sent): delivered, failed, dead.
   */
  webhook(source: string, outcome: string) {
    safely(() => metricSet().webhooks.inc({ source, outcome }));
  },
  /** How many pull events wait in the gateway's in-memory buffer. */
  pullEventBufferDepth(depth: number) {
    safely(() => metricSet().pullEventBufferDepth.set(depth));
  },
  siemQueue(counts: Record<string, number>) {
    safely(() => {
      for (const [status, count] of Object.entries(counts)) metricSet().siemQueue.set({ status }, count);
    });
  },
};

/** The Prometheus text exposition of this process's metrics. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const { registry } = metricSet();
  return { body: await registry.metrics(), contentType: registry.contentType };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OPAQUE = /^(\d+|[0-9a-f]{16,}|sha256:[0-9a-f]+|[A-Za-z0-9_-]{24,})$/;
const KNOWN_ROOTS = new Set(['', 'admin', 'portal', 'api', 'sign-in', 'sign-out', 'v2', '_next', 'favicon.ico', 'robots.txt', 'invite', 'install']);

/**
 * A low-cardinality label for a request path: ids and customer slugs become
 * placeholders, registry paths collapse to their kind, unknown roots to
 * `other`, so a scanner cannot blow up the series count.
 */
export function routeLabel(pathname: string): string {
  const path = pathname.split('?')[0]!;
  const segments = path.split('/').slice(1);
  const root = segments[0] ?? '';
  if (!KNOWN_ROOTS.has(root)) return 'other';
  if (root === '_next') return '/_next';
  if (root === 'v2') {
    if (segments.length <= 2 && !segments[1]) return '/v2/';
    const kind = segments.findLastIndex((segment) => segment === 'manifests' || segment === 'blobs' || segment === 'tags');
    return kind > 0 ? `/v2/:name/${segments[kind]}` : '/v2/other';
  }
  const out: string[] = [];
  for (let i = 0; i < Math.min(segments.length, 6); i++) {
    const segment = segments[i]!;
    if (root === 'portal' && i === 1) out.push(':org');
    else if (root === 'api' && segments[1] === 'auth' && i >= 2) {
      out.push('*');
      break;
    } else if (UUID.test(segment) || OPAQUE.test(segment)) out.push(':id');
    else if (i >= 2 && (root === 'admin' || root === 'portal') && isSlugAfterCollection(segments, i)) out.push(':slug');
    else out.push(segment.length > 40 ? ':id' : segment);
  }
  return `/${out.join('/')}`;
}

const COLLECTIONS = new Set(['customers', 'repositories', 'licenses', 'tokens', 'members', 'teams', 'roles', 'invitations', 'keys', 'destinations']);

function isSlugAfterCollection(segments: string[], index: number): boolean {
  return COLLECTIONS.has(segments[index - 1] ?? '');
}
