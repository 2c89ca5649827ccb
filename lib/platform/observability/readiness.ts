import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { databaseReachable } from '@/lib/platform/db/health';
import { log } from '@/lib/platform/log';
import fs from 'node:fs';
import path from 'node:path';

export interface ReadinessCheck {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: { database: ReadinessCheck; migrations: ReadinessCheck; signingKey: ReadinessCheck };
}

/** The migrations this build ships (read from disk: import.meta paths mean nothing inside Next's bundle). */
export function shippedMigrations(dir = path.resolve(process.cwd(), 'prisma/migrations')): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Whether this replica should receive traffic: the database answers, every
 * migration shipped with this build is applied (a new image waits for its
 * migration Job), and an active license signing key exists.
 */
export async function checkReadiness(): Promise<Readiness> {
  const database = await databaseReachable();
  if (!database.ok) {
    // The driver's words (host names, database and user names) are for the operator's log, not an unauthenticated probe.
    log.warn({ err: database.error }, 'readiness: database unreachable');
    const down = { ok: false, detail: 'database unreachable' };
    return { ready: false, checks: { database: down, migrations: down, signingKey: down } };
  }
  const [migrations, signingKey] = await Promise.all([migrationsApplied(), activeSigningKey()]);
  return { ready: migrations.ok && signingKey.ok, checks: { database: { ok: true }, migrations, signingKey } };
}

async function migrationsApplied(): Promise<ReadinessCheck> {
  try {
    const rows = await prisma.$queryRaw<{ migration_name: string }[]>`
      SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
    const applied = new Set(rows.map((row) => row.migration_name));
    const shipped = shippedMigrations();
    if (shipped.length === 0) return { ok: false, detail: 'prisma/migrations not found next to the server' };
    const pending = shipped.filter((name) => !applied.has(name));
    return pending.length ? { ok: false, detail: `${pending.length} pending: ${pending.join(', ')}` } : { ok: true };
  } catch (error) {
    log.warn({ err: error }, 'readiness: could not read the applied migrations');
    return { ok: false, detail: 'could not read the applied migrations' };
  }
}

async function activeSigningKey(): Promise<ReadinessCheck> {
  const count = await prisma.signingKey.count({ where: { status: 'active' } });
  return count > 0 ? { ok: true } : { ok: false, detail: 'no active license signing key (run `portcullis keys rotate`)' };
}
