import 'server-only';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { log } from '@/lib/platform/log';
import { metrics, routeLabel } from './metrics';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id only if it is safe to log and echo; otherwise makes one. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Counts and logs each request when its response finishes: route pattern,
 * status and duration. Logs the path only (query strings can carry
 * secrets), never headers; secrets inside paths (`/invite/pci_…`) are
 * redacted by the logger, as in every other log line.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, requestId: string, logger: Logger = log): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routeLabel(path);
    const method = req.method ?? 'GET';
    metrics.httpRequest(route, method, res.statusCode, seconds);
    if (route === '/_next' || route === '/api/health' || route === '/api/ready' || route === '/api/metrics') return;
    // Registry traffic: a docker pull is dozens of requests, already counted above and, for
    // manifests, recorded as pull events by the gateway; a log write each would sit on its hot path.
    if (route.startsWith('/v2')) return;
    logger.info({ requestId, method, path: path.slice(0, 300), route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
  });
}
