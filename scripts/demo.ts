// `npm run demo`: the whole portal with demo data, on the embedded database
// unless DATABASE_URL is set. Flags: --prod (serve a production build,
// building it when missing), --port N, --hostname H.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const prod = process.argv.includes('--prod');
(process.env as Record<string, string>).NODE_ENV ??= prod ? 'production' : 'development';
process.env.PORTCULLIS_DEMO = '1';

if (prod && !fs.existsSync('.next/BUILD_ID')) {
  console.log('Building the portal (first run only)…');
  execFileSync('npx', ['next', 'build'], { stdio: 'inherit' });
}

const { closeOnSignals, parseServerArgs, startServer } = await import('@/lib/server/start');
const { DEMO_CUSTOMER_USERS, DEMO_PASSWORD, DEMO_STAFF, seedDemo } = await import('@/lib/seed/demo');

const args = parseServerArgs(process.argv.slice(2).filter((arg) => arg !== '--prod'));
let seeded = false;
const running = await startServer({
  dev: !prod,
  port: args.port,
  hostname: args.hostname,
  migrate: true,
  beforeListen: async () => {
    seeded = (await seedDemo()).seeded;
  },
});
closeOnSignals(running);

const rows = [
  ...DEMO_STAFF.map((user) => [user.email, user.staffRole]),
  ...DEMO_CUSTOMER_USERS.map((user) => [user.email, `${user.role} of ${user.org}`]),
];
console.log(`
  Portcullis demo is running at ${running.url}
  Database: ${running.embedded ? 'embedded PostgreSQL in .data/pglite' : 'DATABASE_URL'}${seeded ? ' (demo data just created)' : ''}

  Sign in with any of these (password: ${DEMO_PASSWORD}):
${rows.map(([email, role]) => `    ${email!.padEnd(28)} ${role}`).join('\n')}

  Press Ctrl+C to stop.
`);

export {};
