import { expect, test } from '@playwright/test';
import { alertWith, DEMO_PASSWORD, DEMO_TOTP_SECRET, signIn, totpCode, USERS } from './fixtures';

test.describe('signing in', () => {
  test('demo staff signs in and sees the dashboard', async ({ page }) => {
    await signIn(page, USERS.admin);
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole('heading', { name: /Welcome back, Ada/ })).toBeVisible();
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Customers' })).toBeVisible();
    await expect(page.getByText('Active pull tokens')).toBeVisible();
  });

  test('a wrong password shows an error and creates no session', async ({ page, context }) => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(USERS.billing);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alertWith(page, 'Incorrect email or password.')).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in/);
    const cookies = await context.cookies();
    expect(cookies.some((cookie) => cookie.name.includes('session-token'))).toBe(false);
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin/);
  });

  test('repeated wrong passwords for one account from one browser are refused with the time to wait', async ({ page }) => {
    // An address of this run only, so no demo account's budget is spent.
    const email = `nobody-${Math.random().toString(36).slice(2, 8)}@globex.test`;
    await page.goto('/sign-in');
    const attempt = async (password: string) => {
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The form empties the password once the server has answered.
      await expect(page.getByLabel('Password')).toHaveValue('');
    };
    for (let i = 0; i < 5; i++) {
      await attempt(`guess ${i}`);
      await expect(alertWith(page, 'Incorrect email or password.')).toBeVisible();
    }
    await attempt('guess 6');
    await expect(alertWith(page, /^Too many sign-in attempts\. Try again in 1[45] minutes\.$/)).toBeVisible();
  });

  test('a bad email is reported next to the field', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('x');
    // Bypass the browser's own email check to exercise the server's validation.
    await page.locator('form').evaluate((form) => form.setAttribute('novalidate', ''));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Enter a valid email address.')).toBeVisible();
  });

  test('returns to the page that asked for sign-in, using only the keyboard', async ({ page }) => {
    await page.goto('/admin');
    await expect(page).toHaveURL(/callbackUrl=%2Fadmin/);
    await page.getByLabel('Email').focus();
    await page.keyboard.type(USERS.support);
    await page.keyboard.press('Tab');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    // Staff have a second factor: the code field has the focus, and Enter sends it.
    await expect(page).toHaveURL(/\/sign-in\/mfa\?callbackUrl=%2Fadmin/);
    await expect(page.getByLabel('Authentication code')).toBeFocused();
    await page.keyboard.type(totpCode(DEMO_TOTP_SECRET, Date.now() + 30_000)); // the next step's code: the current one may be another test's
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/admin$/);
  });

  test('a customer lands in their organization portal, not the staff area', async ({ page }) => {
    await signIn(page, USERS.owner);
    await expect(page).toHaveURL(/\/portal\/globex$/);
    await expect(page.getByRole('heading', { name: 'Globex', level: 1 })).toBeVisible();
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/portal/);
  });
});

test.describe('signed in', () => {
  // A session of its own: signing out ends it for good, so the stored admin state (auth.setup.ts) must not be the one.
  test('signing out ends the session, and its cookie no longer works anywhere', async ({ page, context, browser }) => {
    await signIn(page, USERS.admin);
    const cookies = await context.cookies();
    expect(cookies.some((cookie) => cookie.name.includes('session-token'))).toBe(true);
    await page.getByRole('button', { name: /account|user menu|Ada/i }).first().click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/sign-in/);

    // The cookie copied before sign-out names an ended session: replaying it gets nowhere.
    const replay = await browser.newContext({ storageState: { cookies, origins: [] } });
    const stolen = await replay.newPage();
    await stolen.goto('/admin');
    await expect(stolen).toHaveURL(/\/sign-in/);
    await replay.close();
  });
});

test('the health endpoint answers while the database is up', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: 'ok', database: 'ok' });
});
