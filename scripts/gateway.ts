// `npm run gateway`: the registry gateway alone (no portal pages) on
// GATEWAY_PORT (default 5000). Shares the database and secrets with the portal.
import { ensureSecrets } from '@/lib/platform/config/secrets';
import { connectDatabase } from '@/lib/platform/db/connect';
import { startGatewayServer } from '@/lib/product/gateway/serve';
import { log } from '@/lib/platform/log';

const database = await connectDatabase();
ensureSecrets({ allowGenerated: database.embedded !== null || process.env.NODE_ENV !== 'production' });
const port = Number(process.env.GATEWAY_PORT ?? 5000);
const running = await startGatewayServer({ port, hostname: process.env.GATEWAY_HOSTNAME ?? '0.0.0.0', databaseUrl: database.url });
console.log(`Portcullis registry gateway listening on ${running.url}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) process.exit(1);
  stopping = true;
  log.info({ signal }, 'gateway shutting down');
  await running.close();
  await database.embedded?.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
