import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import pg from 'pg';
import { handWrittenIdp, scriptUrl } from '@/dev/testing/sso/metadata';
import { startOidcIdp } from '@/dev/testing/sso/oidc-idp';
import { startSamlIdpServer } from '@/dev/testing/sso/saml-idp-server';
import { DEMO_PASSWORD, storageState, USERS } from './fixtures';
import { plantSamlConnection } from './server-side';

/**
 * Customer SSO in Chromium against real identity providers started here: a
 * samlify SAML IdP and an oidc-provider OIDC IdP. Staff set SSO up for a
 * customer in the admin dashboard; its people then sign in through each IdP
 * and are provisioned just in time.
 */

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const SAML_PORT = Number(process.env.E2E_SAML_IDP_PORT ?? port + 2000);
const OIDC_PORT = Number(process.env.E2E_OIDC_IDP_PORT ?? port + 2001);
const POST_SAML_PORT = Number(process.env.E2E_POST_SAML_IDP_PORT ?? port + 2002);
// A second demo server: `npm run demo -- --port N` without PUBLIC_URL.
const DEMO_PORT = Number(process.env.E2E_DEMO_PORT ?? port + 2003);
// Globex (Enterprise) has seats to spare: on a full org the first SSO login is refused (no_seats, lib/identity/sso/provision.db.test.ts).
const ORG = { slug: 'globex', name: 'Globex' };
const domain = `globex-${randomUUID().slice(0, 6)}.test`;

// The environment this worker started with: e2e/server-side.ts later points DATABASE_URL and the secrets at the e2e server's.
const launchEnv: NodeJS.ProcessEnv = { ...process.env };

let saml: Awaited<ReturnType<typeof startSamlIdpServer>>;
let postSaml: Awaited<ReturnType<typeof startSamlIdpServer>>;
let oidc: Awaited<ReturnType<typeof startOidcIdp>>;

// Serial: later steps use the connection and domain the first one sets up. Each step crosses two IdPs and
// several redirects, so they get more time than the default.
test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  const spMetadata = async () => (await fetch(`${baseURL}/api/sso/saml/metadata`)).text();
  saml = await startSamlIdpServer({ port: SAML_PORT, spMetadata });
  postSaml = await startSamlIdpServer({ port: POST_SAML_PORT, spMetadata, binding: 'post', title: 'POST SAML IdP' });
  oidc = await startOidcIdp({ port: OIDC_PORT, clientId: 'portcullis-e2e', clientSecret: 'e2e-oidc-secret', redirectUri: `${baseURL}/api/sso/oidc/callback` });
});

test.afterAll(async () => {
  await saml?.close();
  await postSaml?.close();
  await oidc?.close();
});

/** Staff's connection dialog on a customer's SSO page, filled by field label and submitted; answers the dialog. */
async function submitConnection(page: Page, protocol: 'SAML' | 'OIDC', fields: Record<string, string>) {
  await page.getByRole('button', { name: `Add ${protocol}` }).click();
  const dialog = page.getByRole('dialog');
  for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label).fill(value);
  await dialog.getByRole('button', { name: 'Add connection' }).click();
  return dialog;
}

/** Runs `steps` as the staff admin on `slug`'s SSO page, in a browser context of its own. */
async function asStaff(browser: Browser, slug: string, steps: (page: Page) => Promise<void>) {
  const context = await browser.newContext({ storageState: storageState('admin') });
  try {
    const page = await context.newPage();
    await page.goto(`/admin/sso/${slug}`);
    await steps(page);
  } finally {
    await context.close();
  }
}

async function startSso(page: Page, email: string) {
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Continue with SSO' }).click();
}

test.describe('customer SSO', () => {
  test('staff connect a customer to a SAML IdP and verify its domain', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState('admin') });
    const page = await context.newPage();
    await page.goto(`/admin/sso/${ORG.slug}`);
    await expect(page.getByRole('heading', { name: `${ORG.name}: single sign-on` })).toBeVisible();
    await expect(page.getByText('/api/sso/saml/acs')).toBeVisible();

    await expect(await submitConnection(page, 'SAML', { Name: 'Test SAML IdP', 'Metadata URL': saml.metadataUrl })).toBeHidden();
    await expect(page.getByRole('list', { name: 'SSO connections' }).getByText('Test SAML IdP')).toBeVisible();

    await page.getByLabel('Add a domain').fill(domain);
    await page.getByRole('button', { name: 'Add domain' }).click();
    const domains = page.getByRole('list', { name: 'Domains' });
    await expect(domains.getByText('Pending verification')).toBeVisible();
    await expect(domains.getByText(`_portcullis-challenge.${domain}`)).toBeVisible();
    await domains.getByRole('button', { name: 'Approve' }).click();
    await expect(domains.getByText('Approved by vendor')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('admin-sso.png'), fullPage: true });
    await context.close();
  });

  test('a new user signs in through SAML and lands in the portal', async ({ page }) => {
    await startSso(page, `alice@${domain}`);
    await expect(page.getByRole('heading', { name: 'Test SAML IdP' })).toBeVisible();
    await page.getByLabel('Email').fill(`alice@${domain}`);
    await page.getByRole('button', { name: 'Sign in to Test SAML IdP' }).click();
    await expect(page).toHaveURL(new RegExp(`/portal/${ORG.slug}$`));
    await expect(page.getByRole('heading', { name: ORG.name, level: 1 })).toBeVisible();
  });

  test('a tampered SAML response ends on an error page without a session', async ({ page }) => {
    await startSso(page, `mallory@${domain}`);
    // Wait for the IdP's page: filling during the redirect loses the email.
    await expect(page.getByRole('heading', { name: 'Test SAML IdP' })).toBeVisible();
    await page.getByLabel('Email').fill(`mallory@${domain}`);
    await page.getByLabel('Tamper with the signed response').check();
    await page.getByRole('button', { name: 'Sign in to Test SAML IdP' }).click();
    await expect(page).toHaveURL(/\/sign-in\/sso\/error\?reason=invalid_signature/);
    await expect(page.getByRole('heading', { name: 'Single sign-on failed' })).toBeVisible();
    await expect(page.getByText('not signed correctly')).toBeVisible();
    await page.goto(`/portal/${ORG.slug}`);
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('an OIDC connection added beside SAML signs a user in through the IdP they pick', async ({ browser, page }) => {
    await asStaff(browser, ORG.slug, async (admin) => {
      const fields = { Name: 'Test OIDC IdP', 'Discovery URL': `${oidc.issuer}/.well-known/openid-configuration`, 'Client ID': 'portcullis-e2e', 'Client secret': 'e2e-oidc-secret' };
      await expect(await submitConnection(admin, 'OIDC', fields)).toBeHidden();
    });

    const email = `olivia@${domain}`;
    oidc.addUser(email, { email, name: 'Olivia Oidc' });
    await startSso(page, email);
    await page.getByRole('link', { name: /Test OIDC IdP/ }).click();
    await expect(page).toHaveURL(new RegExp(`/portal/${ORG.slug}$`));
    await expect(page.getByRole('heading', { name: ORG.name, level: 1 })).toBeVisible();
  });

  test('the demo IdP signs a newcomer into the seeded SSO customer', async ({ page }) => {
    await startSso(page, 'peter@initech.test');
    await expect(page.getByText('Demo only · not a real identity provider')).toBeVisible();
    await page.getByRole('button', { name: /Peter Gibbons/ }).click();
    await expect(page).toHaveURL(/\/portal\/initech$/);
    await expect(page.getByRole('heading', { name: 'Initech', level: 1 })).toBeVisible();
  });

  test('an IdP taking AuthnRequests by HTTP-POST gets them from a page under its own CSP, and signs the user in', async ({ browser, page }) => {
    await asStaff(browser, ORG.slug, async (admin) => {
      await expect(await submitConnection(admin, 'SAML', { Name: 'POST SAML IdP', 'Metadata URL': postSaml.metadataUrl })).toBeHidden();
    });

    const email = `paula@${domain}`;
    await startSso(page, email);
    const started = page.waitForResponse((response) => response.url().includes('/api/sso/start'));
    await page.getByRole('link', { name: /POST SAML IdP/ }).click();
    const headers = (await started).headers();
    expect(headers['content-security-policy']).toMatch(new RegExp(`^default-src 'none'; script-src 'nonce-[^']+'; form-action http://127\\.0\\.0\\.1:${POST_SAML_PORT}; frame-ancestors 'none'`));
    await expect(page.getByRole('heading', { name: 'POST SAML IdP' })).toBeVisible();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Sign in to POST SAML IdP' }).click();
    await expect(page).toHaveURL(new RegExp(`/portal/${ORG.slug}$`));
  });

  test('an IdP vouching for an existing password account signs nobody in until its holder confirms with their password', async ({ browser, page }) => {
    // The demo owner's domain, verified for Globex: the test IdP may now vouch for owner@globex.test.
    await asStaff(browser, ORG.slug, async (admin) => {
      await admin.getByLabel('Add a domain').fill('globex.test');
      await admin.getByRole('button', { name: 'Add domain' }).click();
      const globexTest = admin.getByRole('list', { name: 'Domains' }).getByRole('listitem').filter({ hasText: /^globex\.test/ });
      await globexTest.getByRole('button', { name: 'Approve' }).click();
      await expect(globexTest.getByText('Approved by vendor')).toBeVisible();
    });

    await startSso(page, USERS.owner);
    await page.getByRole('link', { name: /^Test SAML IdP/ }).click();
    await expect(page.getByRole('heading', { name: 'Test SAML IdP' })).toBeVisible();
    await page.getByLabel('Email').fill(USERS.owner);
    await page.getByRole('button', { name: 'Sign in to Test SAML IdP' }).click();
    await expect(page).toHaveURL(/\/sign-in\/sso\/link$/);
    await expect(page.getByRole('heading', { name: 'Sign in with your password to link this identity' })).toBeVisible();
    await expect(page.getByText(`whoever can sign in to that identity provider as ${USERS.owner}`)).toBeVisible();
    await page.goto(`/portal/${ORG.slug}`);
    await expect(page).toHaveURL(/\/sign-in/); // no session yet

    await page.goto('/sign-in/sso/link');
    await page.getByLabel('Your Portcullis password').fill('not-the-password');
    await page.getByRole('button', { name: 'Link and sign in' }).click();
    await expect(page.getByText('Incorrect password.').first()).toBeVisible();
    await page.getByLabel('Your Portcullis password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Link and sign in' }).click();
    await expect(page).toHaveURL(new RegExp(`/portal/${ORG.slug}$`));
    await expect(page.getByRole('heading', { name: ORG.name, level: 1 })).toBeVisible();
  });
});

test.describe('IdP URLs (stored XSS through SAML metadata)', () => {
  const TARGET = { slug: 'umbrella-health', name: 'Umbrella Health' };

  test('refuses metadata whose SSO URL is a script', async ({ browser }) => {
    await asStaff(browser, TARGET.slug, async (page) => {
      const dialog = await submitConnection(page, 'SAML', { Name: 'Script IdP', 'Metadata XML': handWrittenIdp({ ssoPost: scriptUrl('xss-refused-') }).metadata });
      await expect(dialog.getByText(/names an endpoint that must be a plain http/).first()).toBeVisible();
    });
  });

  test('never runs script on the portal origin for a connection stored before the checks, signed out or as staff', async ({ browser, page }) => {
    const marker = `xss-${randomUUID().slice(0, 8)}-`;
    const id = await plantSamlConnection(baseURL, TARGET.slug, 'Stored before the checks', handWrittenIdp({ ssoPost: scriptUrl(marker) }).metadata);
    const ran: string[] = [];
    const watch = (p: Page) => {
      p.on('console', (message) => ran.push(message.text()));
      p.on('dialog', (dialog) => {
        ran.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
    };

    // Signed out: the unauthenticated start URL anyone can be sent to. Umbrella Health is on Community, so its
    // connections are inactive and the start is refused before the IdP URL is read (lib/identity/sso/idp-urls.db.test.ts
    // covers the URL check on this path); the staff test below still reaches the URL check.
    watch(page);
    await page.goto(`/api/sso/start?connection=${id}`);
    await expect(page).toHaveURL(/\/sign-in\/sso\/error\?reason=sso_not_in_plan$/);

    // Staff, through the settings page's test button.
    await asStaff(browser, TARGET.slug, async (admin) => {
      watch(admin);
      await admin.getByRole('list', { name: 'SSO connections' }).getByRole('listitem').filter({ hasText: 'Stored before the checks' }).getByRole('link', { name: 'Test' }).click();
      await expect(admin).toHaveURL(/\/sign-in\/sso\/error\?reason=idp_misconfigured$/);
    });
    expect(ran.filter((text) => text.includes(marker) || text.startsWith('dialog:'))).toEqual([]);
  });
});

test.describe('the demo on a port of its own, without PUBLIC_URL', () => {
  let demo: ChildProcess | null = null;
  const databases: string[] = [];
  let dataRoot: string | null = null;
  /** Runs SQL on the machine's PostgreSQL (DATABASE_URL's server). */
  async function admin(sql: string) {
    const client = new pg.Client({ connectionString: launchEnv.DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
  test.afterAll(async () => {
    if (demo?.pid && demo.exitCode === null) {
      const exited = new Promise((resolve) => demo!.once('exit', resolve));
      process.kill(-demo.pid, 'SIGTERM');
      await exited;
    }
    for (const name of databases.reverse()) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    if (dataRoot) fs.rmSync(dataRoot, { recursive: true, force: true });
  });

  test('signs peter@initech.test in through the seeded demo IdP', async ({ browser }) => {
    test.setTimeout(300_000);
    // As a newcomer runs it: `npm run demo -- --port N`, no PUBLIC_URL, browsing http://localhost:N.
    const env: NodeJS.ProcessEnv = { ...launchEnv, LOG_LEVEL: 'warn' };
    for (const name of ['PUBLIC_URL', 'AUTH_URL', 'PORT', 'HOSTNAME', 'PORTCULLIS_DATA_DIR', 'E2E_DATA_DIR']) delete env[name];
    if (env.DATABASE_URL) {
      // scripts/e2e-server.ts makes a fresh `<name>_e2e` beside DATABASE_URL's database: give it one of its own.
      const url = new URL(env.DATABASE_URL);
      const name = `${decodeURIComponent(url.pathname.slice(1))}_demo_port`;
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin(`CREATE DATABASE "${name}"`);
      databases.push(name, `${name}_e2e`);
      url.pathname = `/${name}`;
      env.DATABASE_URL = url.toString();
    } else {
      dataRoot = path.join(os.tmpdir(), `portcullis-e2e-demo-port-${process.pid}`);
      env.PORTCULLIS_DATA_DIR = path.join(dataRoot, 'pglite');
    }
    demo = spawn('node', ['scripts/run.mjs', 'scripts/e2e-server.ts', '--port', String(DEMO_PORT), '--hostname', '0.0.0.0'], { env, detached: true, stdio: 'ignore' });
    const origin = `http://localhost:${DEMO_PORT}`;
    await expect
      .poll(async () => (await fetch(`${origin}/api/health`).catch(() => null))?.status ?? 0, { timeout: 240_000, intervals: [1_000] })
      .toBe(200);

    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    await startSso(page, 'peter@initech.test');
    await expect(page.getByText('Demo only · not a real identity provider')).toBeVisible();
    await page.getByRole('button', { name: /Peter Gibbons/ }).click();
    await expect(page).toHaveURL(`${origin}/portal/initech`);
    await expect(page.getByRole('heading', { name: 'Initech', level: 1 })).toBeVisible();
    await context.close();
  });
});
