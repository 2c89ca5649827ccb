// `npm start` (production; run `npm run build` first) and `npm run dev`.
// NODE_ENV must be set before Next.js and React load, hence the dynamic import.
const dev = process.argv.includes('--dev');
(process.env as Record<string, string>).NODE_ENV ??= dev ? 'development' : 'production';

const { closeOnSignals, parseServerArgs, startServer } = await import('@/lib/entry/server/start');
const args = parseServerArgs(process.argv.slice(2));
const running = await startServer({ ...args, migrate: process.env.MIGRATE_ON_START === 'true' });
closeOnSignals(running);
console.log(`Portcullis listening on ${running.url} (${running.embedded ? 'embedded database' : 'DATABASE_URL'})`);

export {};
