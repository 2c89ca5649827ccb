import 'server-only';
import { createServer, type Server } from 'node:http';
import { createGateway, type Gateway, type GatewayOptions } from './gateway';
import { isGatewayPath } from './routes';
import { secureApiResponse } from '@/lib/platform/net/security-headers';
import { env } from '@/lib/platform/config/env';

/**
 * The gateway alone on its own port (no Next.js): for a dedicated registry
 * host, for scaling pulls separately from the portal, and for tests that
 * need several replicas. `npm start` serves the same handler at /v2/.
 */
export async function startGatewayServer(options: Partial<GatewayOptions> & { port: number; hostname?: string }) {
  const databaseUrl = options.databaseUrl ?? env('DATABASE_URL');
  if (!databaseUrl) throw new Error('DATABASE_URL is not set');
  const gateway: Gateway = createGateway({ ...options, databaseUrl });
  const server: Server = createServer((req, res) => {
    if (isGatewayPath(req.url)) return gateway.handle(req, res);
    secureApiResponse(res);
    // Healthy only while it hears registry changes: a replica cut off from the database is taken out.
    if (req.url === '/healthz') res.writeHead(gateway.listener.live ? 200 : 503, { 'Content-Type': 'text/plain' }).end(gateway.listener.live ? 'ok' : 'database unreachable');
    else res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname ?? '127.0.0.1', resolve);
  });
  await gateway.ready();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${options.hostname ?? '127.0.0.1'}:${port}`,
    port,
    gateway,
    server,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await gateway.close();
      })();
      return closing;
    },
  };
}
