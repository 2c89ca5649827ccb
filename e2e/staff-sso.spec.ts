import { expect, test } from '@playwright/test';
import { startSamlIdpServer } from '@/dev/testing/sso/saml-idp-server';
import { storageState, USERS } from './fixtures';

/**
 * Staff SSO in Chromium: a staff admin connects the vendor's own SAML IdP (a samlify IdP started
 * here) under Settings → Staff sign-in, and a staff member then signs in through it from the
 * sign-in page and lands on /admin. The browser goes to the IdP itself; the server never fetches it
 * except for the metadata (through the outbound guard).
 */

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const STAFF_IDP_PORT = Number(process.env.E2E_STAFF_IDP_PORT ?? port + 2004);

let idp: Awaited<ReturnType<typeof startSamlIdpServer>>;

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  idp = await startSamlIdpServer({ port: STAFF_IDP_PORT, spMetadata: async () => (await fetch(`${baseURL}/api/sso/saml/metadata`)).text(), title: 'Vendor Staff IdP' });
});

test.afterAll(async () => {
  await idp?.close();
});

test('a staff admin connects the company IdP, and a staff member signs in through it onto /admin', async ({ browser, page }) => {
  const context = await browser.newContext({ storageState: storageState('admin') });
  const admin = await context.newPage();
  await admin.goto('/admin/settings');
  const section = admin.locator('section', { has: admin.getByRole('heading', { name: 'Company identity provider' }) });
  await expect(section.getByText('No staff connection')).toBeVisible();
  await section.getByRole('button', { name: 'Add SAML' }).click();
  const dialog = admin.getByRole('dialog');
  await dialog.getByLabel('Name').fill('Vendor Staff IdP');
  await dialog.getByLabel('Metadata URL').fill(idp.metadataUrl);
  await dialog.getByRole('button', { name: 'Add connection' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByText('nobody has signed in through it yet')).toBeVisible();
  // Not working yet (nobody signed in through it): requiring it is refused with the reason.
  await admin.getByRole('button', { name: 'Require SSO for staff' }).click();
  await expect(admin.getByText('to prove it works, then require it').first()).toBeVisible();
  await admin.screenshot({ path: test.info().outputPath('staff-sign-in-settings.png'), fullPage: true });

  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Sign in with your company SSO (staff)' }).click();
  await expect(page.getByRole('heading', { name: 'Vendor Staff IdP' })).toBeVisible();
  await page.getByLabel('Email').fill(USERS.support);
  await page.getByRole('button', { name: 'Sign in to Vendor Staff IdP' }).click();
  await expect(page).toHaveURL(new RegExp(`${baseURL}/admin$`));
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();

  // The connection now shows the staff sign-in.
  await admin.reload();
  await expect(section.getByText(/last staff sign-in/)).toBeVisible();
  await context.close();
});

test('an address without a staff account is refused by the staff IdP path, with no session', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Sign in with your company SSO (staff)' }).click();
  await expect(page.getByRole('heading', { name: 'Vendor Staff IdP' })).toBeVisible();
  await page.getByLabel('Email').fill(USERS.owner);
  await page.getByRole('button', { name: 'Sign in to Vendor Staff IdP' }).click();
  await expect(page).toHaveURL(/\/sign-in\/sso\/error\?reason=not_staff/);
  await expect(page.getByText('there is no staff account for this address')).toBeVisible();
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/sign-in/);
});
