#!/usr/bin/env node
// The `portcullis` CLI (package.json "bin"). Logic: lib/entry/cli.
import './register.mjs';

const { main } = await import('../lib/entry/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
