#!/usr/bin/env node
// Compiles the stand-alone registry gateway (scripts/gateway.ts and what it
// imports from lib/) into one ES module with esbuild, packages left external,
// so `npm run gateway` runs plain Node: no TypeScript loader thread in the
// long-running process, which saves about 30 MB of resident memory per
// replica (measured by `npm run bench gateway`). Takes well under a second.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GATEWAY_BUNDLE = path.join(root, '.build', 'gateway.mjs');

/**
 * Environment the gateway process runs with (package.json's `gateway` script
 * sets the same; lib/product/gateway/launch.test.ts keeps them equal). Streaming a
 * layer allocates a 64 KB read buffer per chunk; V8 frees them in bursts of
 * ~100 MB, and with glibc's default 128 KB trim threshold malloc hands that
 * memory back to the kernel and faults it in again for the next chunks:
 * 8-18 page faults per chunk, 6-9 CPU-seconds per GB instead of 1.4-3
 * (`npm run bench gateway` prints both). Keeping up to 128 MB of freed heap
 * costs that much resident memory at most, which the process reaches while
 * streaming anyway.
 */
export const GATEWAY_ENV = { MALLOC_TRIM_THRESHOLD_: String(128 * 1024 * 1024) };

export async function buildGateway() {
  await build({
    entryPoints: [path.join(root, 'scripts', 'gateway.ts')],
    outfile: GATEWAY_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    tsconfig: path.join(root, 'tsconfig.json'),
    logLevel: 'warning',
    plugins: [
      {
        // As in scripts/register.mjs: these processes are the server.
        name: 'server-only',
        setup(b) {
          b.onResolve({ filter: /^server-only$/ }, () => ({ path: 'server-only', namespace: 'empty' }));
          b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '' }));
        },
      },
    ],
  });
  return GATEWAY_BUNDLE;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildGateway();
