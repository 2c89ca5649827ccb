import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildGateway, GATEWAY_ENV } from '@/scripts/build-gateway.mjs';
import { stopChild, waitForHttp, type RunningProcess } from './registry-tools';

const root = path.resolve(import.meta.dirname, '..', '..');

/** `npm run gateway` as a separate server process (a replica), on its own port. */
export async function startGatewayProcess(options: { port: number; databaseUrl: string; env?: Record<string, string> }): Promise<RunningProcess> {
  // What `npm run gateway` runs: the compiled bundle on plain Node.
  const child = spawn(process.execPath, [await buildGateway()], {
    cwd: root,
    env: {
      ...process.env,
      ...GATEWAY_ENV,
      DATABASE_URL: options.databaseUrl,
      GATEWAY_PORT: String(options.port),
      GATEWAY_HOSTNAME: '127.0.0.1',
      LOG_LEVEL: 'error',
      // Every test client is 127.0.0.1 and the counters are shared through the
      // database: brute-force limits have their own test (gateway.db.test.ts).
      REGISTRY_MAX_FAILURES_PER_IP: '1000000',
      REGISTRY_MAX_FAILURES_PER_USER: '1000000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttp(`${url}/healthz`, 60_000);
    // Listening for changes before the test relies on its cache.
    await waitForHttp(`${url}/v2/`, 10_000);
  } catch (error) {
    await stopChild(child);
    throw new Error(`gateway process did not start: ${String(error)}\n${output}`);
  }
  // A clean stop flushes buffered pull events first: give it time on a busy machine.
  return { url, child, output: () => output, stop: () => stopChild(child, 'SIGTERM', 30_000) };
}
