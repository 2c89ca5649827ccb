import 'server-only';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import next from 'next';
import { env } from '@/lib/platform/config/env';
import { ensureSecrets } from '@/lib/platform/config/secrets';
import { connectDatabase } from '@/lib/platform/db/connect';
import { disconnectPrisma } from '@/lib/platform/db/client';
import { applyMigrations } from '@/lib/platform/db/schema-engine';
import { createGateway } from '@/lib/product/gateway/gateway';
import { isGatewayPath } from '@/lib/product/gateway/routes';
import { log } from '@/lib/platform/log';
import { settleClientAddress, trustedProxyHops } from '@/lib/platform/net/client-address';
import { requestTimeoutMs, startDeadline } from '@/lib/platform/net/deadline';
import { secureNextRequest } from '@/lib/platform/net/security-headers';
import { startBackgroundJobs } from '@/lib/product/jobs';
import { observeRequest, requestIdFor } from '@/lib/platform/observability/http';

export interface StartOptions {
  dev: boolean;
  port: number;
  hostname: string;
  /** Apply pending migrations before serving (always done for the embedded database). */
  migrate?: boolean;
  /** Runs after migrations, before the first request (the demo seeds here). */
  beforeListen?: () => Promise<void>;
}

export interface RunningServer {
  url: string;
  databaseUrl: string;
  embedded: boolean;
  server: Server;
  close(): Promise<void>;
}

/**
 * The portal process: one node:http server on one port. Next.js renders
 * pages, actions and /api; /v2/ (the registry gateway) is answered by a raw
 * handler because Next's route handlers redirect `/v2/` and drop
 * Content-Length, both of which container clients depend on.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const production = !options.dev;
  const database = await connectDatabase();
  // Generated secrets are for machines running on the embedded database; a
  // production deployment against a real server must provide its own.
  ensureSecrets({ allowGenerated: !production || database.embedded !== null || env('PORTCULLIS_DEMO') === '1' });

  if (database.embedded || options.migrate) {
    const applied = await applyMigrations(database.url);
    if (applied.length) log.info({ applied }, 'applied migrations');
  }
  // publicUrl() defaults to localhost:$PORT: fix it to the port served before anything reads it (the demo's seed
  // connects its SSO to the demo IdP at that URL, and Jackson is built once per public URL). One of the two
  // writes to process.env here (eslint allow-list): env() reads it back.
  if (options.port) process.env.PORT = String(options.port);
  await options.beforeListen?.();

  // Fails the start on a TRUST_PROXY that means nothing, rather than trusting by accident.
  const trustProxy = trustedProxyHops();
  // Development compiles routes on first request, which takes longer than any deadline should.
  const timeoutMs = options.dev ? 0 : requestTimeoutMs();
  const app = next({ dev: options.dev, dir: path.resolve('.'), hostname: options.hostname, port: options.port, turbopack: options.dev });
  await app.prepare();
  const handle = app.getRequestHandler();
  const gateway = createGateway({ databaseUrl: database.url, trustProxy, requestTimeoutMs: timeoutMs });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Before anything reads them: the client's address, and forwarding headers only from trusted proxies.
    settleClientAddress(req, trustProxy);
    const requestId = requestIdFor(req.headers['x-request-id']);
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    observeRequest(req, res, requestId);
    if (isGatewayPath(req.url)) {
      gateway.handle(req, res);
      return;
    }
    secureNextRequest(req, res, { dev: options.dev });
    startDeadline(res, timeoutMs, unavailable);
    handle(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'request failed');
      if (!res.headersSent) unavailable(res);
    });
  });
  // Next's dev server pushes hot reloads over a websocket; without the
  // upgrade the browser reloads the page in a loop.
  const upgrade = app.getUpgradeHandler();
  server.on('upgrade', (req, socket, head) => void upgrade(req, socket, head));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, resolve);
  });
  const jobs = startBackgroundJobs();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.hostname === '0.0.0.0' || options.hostname === '::' ? 'localhost' : options.hostname;
  // Port 0: only now is the port known (a write to process.env, allow-listed in eslint.config.mjs).
  process.env.PORT ??= String(port);

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Pull events buffered in memory are written before the database goes.
      await gateway.close();
      await jobs.stop();
      await app.close();
      await disconnectPrisma();
      await database.embedded?.stop();
    })();
    return closing;
  };

  return { url: `http://${host}:${port}`, databaseUrl: database.url, embedded: database.embedded !== null, server, close };
}

const UNAVAILABLE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable · Portcullis</title></head>
<body><h1>Portcullis is temporarily unavailable</h1><p>Please try again in a few seconds.</p></body></html>`;

/** What a request that could not be answered in time gets: JSON for machine endpoints, a page for people. */
function unavailable(res: ServerResponse): void {
  const json = res.req.url?.startsWith('/api/');
  const body = json ? JSON.stringify({ error: 'Temporarily unavailable; try again shortly.' }) : UNAVAILABLE_PAGE;
  res.writeHead(503, {
    'Content-Type': json ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Retry-After': '5',
  });
  res.end(body);
}

/** Stops cleanly on SIGINT/SIGTERM: in-flight requests finish, buffers flush, the embedded database closes. */
export function closeOnSignals(running: RunningServer): void {
  let signalled = false;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

export function parseServerArgs(argv: string[]): { dev: boolean; port: number; hostname: string; rest: string[] } {
  let dev = false;
  let port: number = env('PORT');
  const host = env('HOSTNAME');
  let hostname = host && host !== 'localhost' ? host : '0.0.0.0';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dev') dev = true;
    else if (arg === '--port' || arg === '-p') port = Number(argv[++i]);
    else if (arg === '--hostname' || arg === '-H') hostname = argv[++i]!;
    else rest.push(arg);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${port}`);
  return { dev, port, hostname, rest };
}
