import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { e2eDatabaseUrl } from '@/dev/testing/e2e-database';

// As the runner set it: joinServer below points process.env.DATABASE_URL at the e2e database itself.
const RUNNER_DATABASE_URL = process.env.DATABASE_URL;

/**
 * The e2e server's own database and secrets, for the one kind of test that
 * must plant what no form or service accepts any more: an SSO connection
 * stored before its URLs were checked. Everything else in the e2e suite
 * goes through the browser.
 */
let joined: Promise<void> | null = null;

function joinServer(baseURL: string): Promise<void> {
  joined ??= (async () => {
    if (process.env.DATABASE_URL) {
      // scripts/e2e-server.ts serves a fresh `<name>_e2e` database beside DATABASE_URL's.
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${decodeURIComponent(url.pathname.slice(1))}_e2e`;
      process.env.DATABASE_URL = url.toString();
    } else {
      // The server's embedded database (playwright.config.ts); connectDatabase joins it through its port.
      process.env.PORTCULLIS_DATA_DIR = process.env.E2E_DATA_DIR;
    }
    const { connectDatabase } = await import('@/lib/platform/db/connect');
    await connectDatabase();
    // The server's secrets (the demo generates them into the same file), so Jackson's store key is the server's.
    const { ensureSecrets } = await import('@/lib/platform/config/secrets');
    ensureSecrets({ allowGenerated: true });
    process.env.PUBLIC_URL = baseURL;
  })();
  return joined;
}

/**
 * Puts a SAML connection into Jackson and sso_connections directly, past
 * every check lib/identity/sso makes, the way a connection saved before those checks
 * existed would be stored. Returns its id.
 */
export async function plantSamlConnection(baseURL: string, orgSlug: string, name: string, metadata: string): Promise<string> {
  await joinServer(baseURL);
  const { prisma } = await import('@/lib/platform/db/client');
  const { callbackUrl, getJackson, JACKSON_PRODUCT } = await import('@/lib/identity/sso/jackson');
  const org = await prisma.organization.findUniqueOrThrow({ where: { slug: orgSlug } });
  const record = await (await getJackson()).connectionAPIController.createSAMLConnection({
    tenant: org.id,
    product: JACKSON_PRODUCT,
    name,
    rawMetadata: metadata,
    defaultRedirectUrl: callbackUrl(),
    redirectUrl: [callbackUrl()],
  });
  const row = await prisma.ssoConnection.create({ data: { orgId: org.id, protocol: 'saml', name, jacksonClientId: record.clientID } });
  return row.id;
}

/**
 * Runs `npx portcullis ARGS` against the e2e server's database, as an
 * operator would on the server (e.g. `staff create` for a staff member no
 * other spec uses). Returns stdout; throws with stderr when it fails.
 */
export function portcullis(args: string[], env: Record<string, string> = {}): string {
  const root = path.resolve(import.meta.dirname, '..');
  const database = { DATABASE_URL: e2eDatabaseUrl({ ...process.env, DATABASE_URL: RUNNER_DATABASE_URL }) };
  // The server's secrets, which the demo generated beside its data (lib/platform/config/secrets.ts), unless the runner set them.
  const file = RUNNER_DATABASE_URL ? path.join(root, '.data', 'secrets.json') : path.join(path.dirname(process.env.E2E_DATA_DIR ?? ''), 'secrets.json');
  const secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  return execFileSync(process.execPath, ['scripts/portcullis.mjs', ...args], {
    cwd: root,
    env: { ...secrets, ...process.env, ...database, ...env, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}
