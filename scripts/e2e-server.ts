// The e2e suite's server: `npm run demo` on a database of its own. With
// DATABASE_URL set (CI), the integration tests have already filled that
// database with their own customers, pulls and keys; the browser tests get a
// fresh `<name>_e2e` database on the same server instead, so what they see is
// exactly the demo data. Without DATABASE_URL the demo's embedded database is
// already fresh (playwright.config.ts points it at a temporary folder).
import pg from 'pg';
import { e2eDatabaseUrlFor } from '@/dev/testing/e2e-database';

const base = process.env.DATABASE_URL;
if (base) {
  const url = e2eDatabaseUrlFor(base);
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  process.env.DATABASE_URL = url;
}

await import('./demo');
