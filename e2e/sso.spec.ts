import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { startOidcIdp } from '../lib/sso/testing/oidc-idp';
import { startSamlIdpServer } from '../lib/sso/testing/saml-idp-server';
import { storageState } from './fixtures';

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
// Globex (Enterprise) has seats to spare: on a full org the first SSO login is refused (no_seats, lib/sso/provision.db.test.ts).
const ORG = { slug: 'globex', name: 'Globex' };
const domain = `globex-${randomUUID().slice(0, 6)}.test`;

let saml: Awaited<ReturnType<typeof startSamlIdpServer>>;
let oidc: Awaited<ReturnType<typeof startOidcIdp>>;

// Serial: later steps use the connection and domain the first one sets up. Each step crosses two IdPs and
// several redirects, so they get more time than the default.
test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  saml = await startSamlIdpServer({ port: SAML_PORT, spMetadata: async () => (await fetch(`${baseURL}/api/sso/saml/metadata`)).text() });
  oidc = await startOidcIdp({ port: OIDC_PORT, clientId: 'portcullis-e2e', clientSecret: 'e2e-oidc-secret', redirectUri: `${baseURL}/api/sso/oidc/callback` });
});

test.afterAll(async () => {
  await saml?.close();
  await oidc?.close();
});

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

    await page.getByRole('button', { name: 'Add SAML' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Test SAML IdP');
    await dialog.getByLabel('Metadata URL').fill(saml.metadataUrl);
    await dialog.getByRole('button', { name: 'Add connection' }).click();
    await expect(dialog).toBeHidden();
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
    const staff = await browser.newContext({ storageState: storageState('admin') });
    const admin = await staff.newPage();
    await admin.goto(`/admin/sso/${ORG.slug}`);
    await admin.getByRole('button', { name: 'Add OIDC' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Test OIDC IdP');
    await dialog.getByLabel('Discovery URL').fill(`${oidc.issuer}/.well-known/openid-configuration`);
    await dialog.getByLabel('Client ID').fill('portcullis-e2e');
    await dialog.getByLabel('Client secret').fill('e2e-oidc-secret');
    await dialog.getByRole('button', { name: 'Add connection' }).click();
    await expect(dialog).toBeHidden();
    await staff.close();

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
});
