// `npm run bench [suite...] [--json]`: prints figures measured side by side in
// one run. Uses DATABASE_URL when set, else a fresh in-memory embedded
// PostgreSQL (figures on the embedded database are not production figures).
import { ensureSecrets } from '@/lib/platform/config/secrets';
import { disconnectPrisma } from '@/lib/platform/db/client';
import { startEphemeralDatabase } from '@/lib/platform/db/embedded';
import { applyMigrations } from '@/lib/platform/db/schema-engine';
import type { BenchContext } from '@/dev/bench/harness';
import { SUITES } from '@/dev/bench/suites';

// Loading a million synthetic rows is one statement each: no request-path query timeout here (lib/platform/db/sql.ts).
process.env.DATABASE_QUERY_TIMEOUT_MS ??= '0';

const args = process.argv.slice(2);
const json = args.includes('--json');
const wanted = args.filter((arg) => !arg.startsWith('--'));
const suites = SUITES.filter((suite) => wanted.length === 0 || wanted.includes(suite.name));
if (suites.length === 0) {
  console.error(`No benchmark suites${wanted.length ? ` named ${wanted.join(', ')}` : ''}. Available: ${SUITES.map((s) => s.name).join(', ') || 'none'}`);
  process.exit(2);
}

let stop: (() => Promise<void>) | undefined;
if (!process.env.DATABASE_URL) {
  const embedded = await startEphemeralDatabase();
  process.env.DATABASE_URL = embedded.url;
  stop = embedded.stop;
}
ensureSecrets({ allowGenerated: true, file: '.data/bench-secrets.json' });
await applyMigrations(process.env.DATABASE_URL!);

const figures: { suite: string; name: string; value: number; unit: string }[] = [];
console.log(`Portcullis benchmarks — node ${process.version}, ${stop ? 'embedded PostgreSQL (in memory)' : 'DATABASE_URL'}\n`);
for (const suite of suites) {
  console.log(`## ${suite.name}`);
  const context: BenchContext = {
    log: (line = '') => console.log(line),
    figure: (name, value, unit) => figures.push({ suite: suite.name, name, value, unit }),
  };
  await suite.run(context);
  console.log();
}
console.log('## summary');
for (const f of figures) console.log(`${`${f.suite}: ${f.name}`.padEnd(64)} ${f.value.toLocaleString('en-US', { maximumFractionDigits: 3 }).padStart(14)} ${f.unit}`);
if (json) console.log(JSON.stringify(figures));
await disconnectPrisma();
await stop?.();
