import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { alertWith, enterTotp, storageState, totpCode } from './fixtures';
import { portcullis } from './server-side';

// Sign-ins, an enrolment and waits for fresh 30-second steps: more time than a one-page test.
test.describe.configure({ timeout: 180_000 });

async function passwordStep(page: Page, email: string, password: string, from = '/sign-in') {
  if (from) await page.goto(from);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function signOut(page: Page) {
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test('a new staff member is taken to enrolment, enrols with a real TOTP, then signs in with password + code and with a recovery code', async ({ page, context }) => {
  // A staff member of this run only, created the way an operator does.
  const email = `mfa-${randomBytes(4).toString('hex')}@portcullis.test`;
  const password = `e2e ${randomBytes(6).toString('hex')} passphrase`;
  portcullis(['staff', 'create', email, '--role', 'staff-support', '--password-env', 'E2E_STAFF_PASSWORD'], { E2E_STAFF_PASSWORD: password });

  // Without MFA, the password signs in, but every /admin page sends the person to enrolment.
  await passwordStep(page, email, password);
  await expect(page).toHaveURL(/\/account\?mfa=required#mfa$/);
  await expect(page.getByText('Vendor staff must use two-factor authentication. Set it up to continue.')).toBeVisible();
  await page.goto('/admin/customers');
  await expect(page).toHaveURL(/\/account\?mfa=required/);

  // Enrolment: the password again, then the QR code (a data: image under the page CSP) and the key as text.
  const mfa = page.locator('#mfa');
  await mfa.getByLabel('Password').fill(password);
  await mfa.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const qr = mfa.getByRole('img', { name: 'QR code for your authenticator app' });
  await expect(qr).toBeVisible();
  expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const secret = (await mfa.getByTestId('mfa-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong first code is refused; oathtool's code for the key on the page turns MFA on.
  const right = totpCode(secret);
  await mfa.getByLabel('Code from your app').fill(String((Number(right) + 1) % 1_000_000).padStart(6, '0'));
  await mfa.getByRole('button', { name: 'Turn on' }).click();
  await expect(mfa.getByText('That code is not right.', { exact: false }).first()).toBeVisible();
  await mfa.getByLabel('Code from your app').fill(totpCode(secret));
  await mfa.getByRole('button', { name: 'Turn on' }).click();
  const codes = mfa.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recoveryCodes = await codes.allTextContents();
  for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

  // The admin area opens now.
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin$/);

  // Signed out, the password alone starts no session: the code comes next.
  await signOut(page);
  await passwordStep(page, email, password);
  await expect(page).toHaveURL(/\/sign-in\/mfa/);
  expect((await context.cookies()).some((cookie) => cookie.name.includes('session-token'))).toBe(false);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin/);
  await passwordStep(page, email, password, '');
  await expect(page).toHaveURL(/\/sign-in\/mfa\?callbackUrl=%2Fadmin/);
  // The enrolment spent the current step's code: enterTotp moves on to the next one.
  await enterTotp(page, secret);
  await expect(page).toHaveURL(/\/admin$/);

  // With a recovery code instead; that code is then spent.
  await signOut(page);
  await passwordStep(page, email, password);
  await page.getByLabel('Authentication code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto('/account');
  await expect(page.locator('#mfa')).toContainText('9 of 10 recovery codes left');

  await signOut(page);
  await passwordStep(page, email, password);
  await page.getByLabel('Authentication code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(alertWith(page, /That code is not right/)).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in\/mfa/);
});

test('a staff admin resets the MFA of someone who lost their phone; they must enrol again', async ({ browser }) => {
  const email = `lost-${randomBytes(4).toString('hex')}@portcullis.test`;
  const password = `e2e ${randomBytes(6).toString('hex')} passphrase`;
  portcullis(['staff', 'create', email, '--role', 'staff-billing', '--password-env', 'E2E_STAFF_PASSWORD'], { E2E_STAFF_PASSWORD: password });
  const theirs = await (await browser.newContext()).newPage();
  await passwordStep(theirs, email, password);
  await expect(theirs).toHaveURL(/\/account\?mfa=required/);
  await theirs.locator('#mfa').getByLabel('Password').fill(password);
  await theirs.locator('#mfa').getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = (await theirs.getByTestId('mfa-secret').textContent())!.trim();
  await theirs.locator('#mfa').getByLabel('Code from your app').fill(totpCode(secret));
  await theirs.locator('#mfa').getByRole('button', { name: 'Turn on' }).click();
  await expect(theirs.getByRole('list', { name: 'Recovery codes' })).toBeVisible();

  const admin = await (await browser.newContext({ storageState: storageState('admin') })).newPage();
  await admin.goto('/admin/settings');
  const row = admin.getByRole('list', { name: 'Staff accounts' }).getByRole('listitem').filter({ hasText: email });
  await expect(row).toContainText('MFA');
  await row.getByRole('button', { name: 'Reset MFA' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Reset MFA' }).click();
  await expect(admin.getByText(`Two-factor authentication of ${email} is reset; 1 session ended.`)).toBeVisible();
  await expect(row).toContainText('No MFA');

  // Their session ended at once; the password signs in again and sends them to enrolment.
  await theirs.goto('/admin');
  await expect(theirs).toHaveURL(/\/sign-in/);
  await passwordStep(theirs, email, password);
  await expect(theirs).toHaveURL(/\/account\?mfa=required/);
});
