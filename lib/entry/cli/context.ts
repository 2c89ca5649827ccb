import 'server-only';
import { cliActor, type Actor } from '@/lib/identity/auth/actor';
import { ensureSecrets } from '@/lib/platform/config/secrets';
import { disconnectPrisma } from '@/lib/platform/db/client';
import { connectDatabase } from '@/lib/platform/db/connect';
import type { EmbeddedDatabase } from '@/lib/platform/db/embedded';
import { applyMigrations } from '@/lib/platform/db/schema-engine';

/**
 * What a command runs with: the same database the portal uses (DATABASE_URL,
 * or the embedded one, joined if the portal is running) and the OS user as
 * the audited actor.
 */
export interface CliContext {
  actor: Actor;
}

let embedded: EmbeddedDatabase | null = null;
let ready: Promise<CliContext> | null = null;

export function cliContext(): Promise<CliContext> {
  ready ??= (async () => {
    const database = await connectDatabase();
    embedded = database.embedded;
    ensureSecrets({ allowGenerated: database.embedded !== null });
    // A fresh embedded database (nobody ran the portal yet) is migrated here.
    if (database.embedded?.owner) await applyMigrations(database.url);
    return { actor: cliActor() };
  })();
  return ready;
}

export async function closeCliContext(): Promise<void> {
  if (!ready) return;
  await disconnectPrisma();
  await embedded?.stop();
  ready = null;
  embedded = null;
}
