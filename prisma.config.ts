import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { embeddedMarkerUrl } from './lib/platform/db/embedded';

const root = path.dirname(fileURLToPath(import.meta.url));

// Prisma Migrate's native engine is a download this network cannot reach;
// scripts/schema-engine.mjs runs the same engine as WASM (see docs/database.md).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, 'scripts/schema-engine.mjs');
process.env.CHECKPOINT_DISABLE ??= '1';

export default defineConfig({
  schema: path.join(root, 'prisma/schema.prisma'),
  migrations: { path: path.join(root, 'prisma/migrations') },
  datasource: {
    // Without DATABASE_URL the CLI works on the embedded database in .data/
    // (the shim opens it, or joins the running portal's server).
    url: process.env.DATABASE_URL ?? embeddedMarkerUrl(path.join(root, '.data/pglite')),
    shadowDatabaseUrl: process.env.SHADOW_DATABASE_URL,
  },
});
