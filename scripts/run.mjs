#!/usr/bin/env node
// Usage: node scripts/run.mjs path/to/script.ts [args...]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import './register.mjs';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/run.mjs <script.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(script), ...args];
await import(pathToFileURL(path.resolve(script)).href);
