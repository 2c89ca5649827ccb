#!/usr/bin/env node
// The `portcullis` CLI (package.json "bin"). Logic: lib/cli.
import './register.mjs';

const { main } = await import('../lib/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
