import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPrismaClient } from '@/lib/platform/db/client';
import { startEphemeralDatabase } from '@/lib/platform/db/embedded';
import { applyMigrations } from '@/lib/platform/db/schema-engine';

export interface ScratchDatabase {
  url: string;
  prisma: ReturnType<typeof createPrismaClient>;
  drop(): Promise<void>;
  /** Closes the connections but keeps the database (e.g. to inspect a benchmark's data). */
  release(): Promise<void>;
}

async function currentDatabase(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
  } finally {
    await client.end();
  }
}

/**
 * A migrated database of its own, for tests that must own the whole audit
 * chain (tampering, retention, full verification) without disturbing the
 * tests running beside them. A new database on the same server when
 * DATABASE_URL points at one, else an in-memory embedded PostgreSQL.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const base = process.env.DATABASE_URL;
  let url: string;
  let cleanup: () => Promise<void>;
  let release: () => Promise<void> = async () => {};
  const admin = base ? new pg.Client({ connectionString: base }) : null;
  const name = `scratch_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  let created = false;
  if (admin) {
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
      created = true;
    } catch {
      // Not allowed here: fall back to an embedded one below.
    }
  }
  const parsed = new URL(base ?? 'postgresql://localhost');
  parsed.pathname = `/${name}`;
  // PGlite accepts CREATE DATABASE but serves its one database whatever the URL names.
  if (created && (await currentDatabase(parsed.toString())) !== name) {
    await admin!.query(`DROP DATABASE IF EXISTS ${name}`);
    created = false;
  }
  if (created) {
    url = parsed.toString();
    cleanup = async () => {
      await admin!.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin!.end();
    };
    release = () => admin!.end();
  } else {
    await admin?.end();
    const embedded = await startEphemeralDatabase();
    url = embedded.url;
    cleanup = embedded.stop;
  }
  await applyMigrations(url);
  const prisma = createPrismaClient(url, 4);
  return {
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await cleanup();
    },
    async release() {
      await prisma.$disconnect();
      await release();
    },
  };
}
