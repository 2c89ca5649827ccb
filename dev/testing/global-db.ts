import type { TestProject } from 'vitest/node';
import { startEphemeralDatabase } from '@/lib/platform/db/embedded';
import { applyMigrations } from '@/lib/platform/db/schema-engine';

/**
 * Integration tests run against real PostgreSQL: DATABASE_URL when set (CI
 * points it at a fresh database on the machine's server), otherwise an
 * in-memory embedded PostgreSQL started here for this run. Either way the
 * migrations are applied first; tests seed their own data with factories.
 */
export default async function setup(project: TestProject) {
  let url = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!url) {
    const embedded = await startEphemeralDatabase();
    url = embedded.url;
    stop = embedded.stop;
  }
  await applyMigrations(url);
  process.env.DATABASE_URL = url;
  project.provide('databaseUrl', url);
  return async () => {
    await stop?.();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
