import os from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * e2e in Debian's Chromium against a production build served exactly as
 * `npm run demo` serves it, on a fresh database of its own
 * (scripts/e2e-server.ts). Without DATABASE_URL the server gets a
 * fresh embedded database for this run.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
// Set once by the runner, inherited by its workers (which load this file again under another pid).
const dataDir = (process.env.PORTCULLIS_E2E_DATA_DIR ??= path.join(os.tmpdir(), `portcullis-e2e-${process.pid}`, 'pglite'));

export default defineConfig({
  testDir: 'e2e',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off', // needs an ffmpeg download this network cannot reach
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  projects: [
    { name: 'setup', testMatch: /.*\.setup\.ts/ },
    { name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined }, dependencies: ['setup'] },
  ],
  webServer: {
    command: `node scripts/run.mjs scripts/e2e-server.ts --port ${port} --hostname 127.0.0.1`,
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI && !!process.env.E2E_REUSE,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      ...(process.env.DATABASE_URL ? {} : { PORTCULLIS_DATA_DIR: dataDir }),
      LOG_LEVEL: 'warn',
      // SSO redirects and cookies must stay on the origin the browser uses.
      PUBLIC_URL: baseURL,
      // Loopback SIEM receivers and IdPs (the outbound guard refuses private addresses otherwise), quick delivery polling, a metrics token.
      OUTBOUND_ALLOW_PRIVATE_URLS: 'true',
      SIEM_POLL_INTERVAL_MS: '1000',
      METRICS_TOKEN: process.env.E2E_METRICS_TOKEN ?? 'e2e-metrics-token',
    },
  },
});
