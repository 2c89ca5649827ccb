#!/usr/bin/env node
// The executable PRISMA_SCHEMA_ENGINE_BINARY points at (see prisma.config.ts):
// Prisma's native schema engine cannot be downloaded here, so this speaks its
// protocol over the WASM build. The logic is in lib/platform/db/schema-engine-rpc.ts.
import './register.mjs';

const { main } = await import('../lib/platform/db/schema-engine-rpc.ts');
process.exit(await main(process.argv.slice(2)));
