// `npm run demo`: the whole portal with demo data, on the embedded database
// unless DATABASE_URL is set. Serves a production build (built first when
// missing or older than the sources, so every page is fast); --dev serves
// development mode with hot reload instead. Also: --port N, --hostname H.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '@/lib/platform/db/embedded';

const dev = process.argv.includes('--dev');
(process.env as Record<string, string>).NODE_ENV ??= dev ? 'development' : 'production';
process.env.PORTCULLIS_DEMO = '1';
// The built-in demo IdP answers on this plain-http origin (lib/identity/sso/idp-urls.ts).
process.env.SSO_ALLOW_HTTP_URLS ??= 'true';

const SOURCES = ['app', 'components', 'lib', 'public', 'next.config.ts', 'tailwind.config.ts', 'postcss.config.mjs', 'tsconfig.json', 'package-lock.json'];

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of fs.readdirSync(entry)) {
    if (child === 'node_modules' || child.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

if (!dev) {
  const built = fs.existsSync('.next/BUILD_ID') ? fs.statSync('.next/BUILD_ID').mtimeMs : 0;
  if (built < Math.max(...SOURCES.map(newestMtime))) {
    console.log(built ? 'Sources changed since the last build: rebuilding…' : 'Building the portal (first run only, about a minute)…');
    execFileSync('npx', ['next', 'build'], { stdio: 'inherit' });
  }
}

const { closeOnSignals, parseServerArgs, startServer } = await import('@/lib/entry/server/start');
const { DEMO_CUSTOMER_USERS, DEMO_PASSWORD, DEMO_STAFF, DEMO_TOTP_SECRET, seedDemo } = await import('@/dev/seed/demo');

const args = parseServerArgs(process.argv.slice(2).filter((arg) => arg !== '--prod'));
// Billing: a real Stripe (test) account when STRIPE_SECRET_KEY is set, else the local stand-in.
const { startDemoStripe } = await import('@/dev/stripe-stand-in/demo');
const portalHost = args.hostname === '0.0.0.0' || args.hostname === '::' ? '127.0.0.1' : args.hostname;
const stripeStandIn = process.env.STRIPE_SECRET_KEY ? null : await startDemoStripe(`http://${portalHost}:${args.port}`);
let seeded = false;
const running = await startServer({
  dev,
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
const where = running.embedded ? `embedded PostgreSQL in ${path.relative(process.cwd(), defaultDataDir()) || '.'}` : 'DATABASE_URL';
console.log(`
  Portcullis demo is running at ${running.url}${dev ? ' (development mode)' : ''}
  Database: ${where}${seeded ? ' (demo data just created)' : ''}
  Billing: ${stripeStandIn ? `TEST MODE, local Stripe stand-in at ${stripeStandIn.url} (card 4242 4242 4242 4242)` : 'Stripe account from STRIPE_SECRET_KEY'}

  Sign in with any of these (password: ${DEMO_PASSWORD}):
${rows.map(([email, role]) => `    ${email!.padEnd(28)} ${role}`).join('\n')}

  Staff accounts ask for a second factor: add the demo key ${DEMO_TOTP_SECRET}
  to an authenticator app (time-based, 6 digits), or run
  \`oathtool --totp -b ${DEMO_TOTP_SECRET}\`.

  Customer SSO: click "Sign in with SSO" and enter peter@initech.test; Initech
  signs in through the built-in demo identity provider (demo mode only).

  Press Ctrl+C to stop.
`);
