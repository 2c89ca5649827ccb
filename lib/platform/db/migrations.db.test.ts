import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startEphemeralDatabase } from './embedded';

/**
 * Prisma Migrate through the real CLI and the WASM schema-engine shim, on a
 * database nobody else uses: a new database on the PostgreSQL server under
 * test, or a new embedded one.
 */

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
const prismaCli = path.join(root, 'node_modules/prisma/build/index.js');

async function prisma(args: string[], env: Record<string, string>, cwd = root) {
  try {
    const { stdout, stderr } = await run(process.execPath, [prismaCli, ...args], {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'scripts/schema-engine.mjs'), ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function freshDatabase(): Promise<string> {
  const base = inject('databaseUrl');
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    const version = (await client.query<{ version: string }>('select version()')).rows[0]!.version;
    if (/wasm32/.test(version)) {
      const embedded = await startEphemeralDatabase();
      cleanups.push(embedded.stop);
      return embedded.url;
    }
    const name = `portcullis_migrate_${randomUUID().slice(0, 8)}`;
    await client.query(`CREATE DATABASE "${name}"`);
    cleanups.push(async () => {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    });
    const url = new URL(base);
    url.pathname = `/${name}`;
    return url.toString();
  } finally {
    await client.end();
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

// The WASM schema engine is CPU-bound: on a busy 2-core machine one CLI run
// can take most of a minute, so these two get more than the default 60 s.
const MIGRATE_TIMEOUT = 240_000;

describe('Prisma Migrate offline', () => {
  it('deploys every migration to a fresh database, and the migrations match the schema (no drift)', async () => {
    const url = await freshDatabase();
    const deploy = await prisma(['migrate', 'deploy'], { DATABASE_URL: url });
    expect(deploy.stderr + deploy.stdout).toContain('All migrations have been successfully applied');
    expect(deploy.code).toBe(0);

    const migrations = fs.readdirSync(path.join(root, 'prisma/migrations')).filter((name) => /^\d+_/.test(name));
    const applied = await query<{ migration_name: string }>(url, 'select migration_name from _prisma_migrations where finished_at is not null');
    expect(applied.map((row) => row.migration_name).sort()).toEqual(migrations.sort());

    const diff = await prisma(
      ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code'],
      { DATABASE_URL: url },
    );
    expect(diff.stdout).toContain('No difference detected');
    expect(diff.code).toBe(0);

    const status = await prisma(['migrate', 'status'], { DATABASE_URL: url });
    expect(status.stdout).toContain('Database schema is up to date');
  }, MIGRATE_TIMEOUT);

  it('`migrate dev` creates and applies a new migration, replaying history in a shadow database that is never the main one', async () => {
    const url = await freshDatabase();
    expect((await prisma(['migrate', 'deploy'], { DATABASE_URL: url })).code).toBe(0);
    await query(url, `insert into organizations (id, name, slug, contact_email, updated_at) values ('keep-me', 'Keep', 'keep-${randomUUID().slice(0, 6)}', 'k@k.test', now())`);

    // A scratch project inside the repository so `prisma/config` resolves.
    const project = path.join(root, 'tmp', `migrate-dev-${randomUUID().slice(0, 8)}`);
    fs.mkdirSync(path.join(project, 'prisma'), { recursive: true });
    cleanups.push(async () => fs.rmSync(project, { recursive: true, force: true }));
    fs.cpSync(path.join(root, 'prisma/migrations'), path.join(project, 'prisma/migrations'), { recursive: true });
    const schema = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8').replace(/generator client \{[^}]*\}/, '');
    fs.writeFileSync(path.join(project, 'prisma/schema.prisma'), `${schema}\nmodel Probe {\n  id    Int    @id\n  label String\n}\n`);
    fs.writeFileSync(
      path.join(project, 'prisma.config.ts'),
      `import { defineConfig } from 'prisma/config';\nexport default defineConfig({ schema: 'prisma/schema.prisma', migrations: { path: 'prisma/migrations' }, datasource: { url: process.env.DATABASE_URL } });\n`,
    );

    const onServer = !/wasm32/.test((await query<{ version: string }>(url, 'select version()'))[0]!.version);
    const shadows = async () => new Set((await query<{ datname: string }>(url, `select datname from pg_database where datname like 'prisma_shadow_%'`)).map((r) => r.datname));
    const shadowsBefore = onServer ? await shadows() : new Set<string>();

    const dev = await prisma(['migrate', 'dev', '--name', 'add_probe'], { DATABASE_URL: url }, project);
    expect(dev.stderr + dev.stdout).toContain('Your database is now in sync with your schema');
    const created = fs.readdirSync(path.join(project, 'prisma/migrations')).find((name) => name.endsWith('_add_probe'));
    expect(created).toBeDefined();
    expect(fs.readFileSync(path.join(project, 'prisma/migrations', created!, 'migration.sql'), 'utf8')).toContain('CREATE TABLE "Probe"');

    // The main database kept its data and gained the table.
    expect(await query(url, `select id from organizations where id = 'keep-me'`)).toHaveLength(1);
    expect(await query(url, `select * from "Probe"`)).toEqual([]);
    // No shadow database was left behind on a real server. pg_database is
    // server-wide and other runs (other checkouts, other test files) may hold
    // their own shadow for a moment, so wait briefly for any newcomer to go.
    if (onServer) {
      await expect.poll(async () => [...(await shadows())].filter((name) => !shadowsBefore.has(name)), { timeout: 30_000 }).toEqual([]);
    }
  }, MIGRATE_TIMEOUT);
});
