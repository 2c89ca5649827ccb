import { env } from '@/lib/platform/config/env';
import { defaultDataDir, openEmbeddedDatabase, parseEmbeddedMarker, type EmbeddedDatabase } from './embedded';

/**
 * Resolves the database for this process: DATABASE_URL when set (a real
 * PostgreSQL server; the embedded one is never started), otherwise the
 * embedded database in .data/ (opened here, or joined if another process
 * such as a running portal already serves it). Sets DATABASE_URL so every
 * module in the process, and every child process, uses the same one.
 */
export async function connectDatabase(): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  const configured = env('DATABASE_URL');
  const markerDir = configured ? parseEmbeddedMarker(configured) : null;
  if (configured && !markerDir) return { url: configured, embedded: null };
  const embedded = await openEmbeddedDatabase(markerDir ?? defaultDataDir());
  // Written to process.env (allow-listed in eslint.config.mjs) so env() and child processes use the same database.
  process.env.DATABASE_URL = embedded.url;
  process.env.PORTCULLIS_EMBEDDED = '1';
  return { url: embedded.url, embedded };
}
