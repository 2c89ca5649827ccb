import fs from 'node:fs';

/**
 * The database the e2e server runs on (scripts/e2e-server.ts): with
 * DATABASE_URL, a fresh `<name>_e2e` database on the same server; without
 * it, the embedded database the run started in E2E_DATA_DIR (set by
 * playwright.config.ts), reached on the port its owner published.
 */
export function e2eDatabaseUrlFor(base: string): string {
  const url = new URL(base);
  url.pathname = `/${decodeURIComponent(url.pathname.slice(1))}_e2e`;
  return url.toString();
}

export function e2eDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL) return e2eDatabaseUrlFor(env.DATABASE_URL);
  const info = JSON.parse(fs.readFileSync(`${env.E2E_DATA_DIR}.server.json`, 'utf8')) as { port: number };
  return `postgresql://postgres@127.0.0.1:${info.port}/postgres`;
}
