import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { alertWith, signIn } from './fixtures';
import { mailCount, mailTo } from './mailbox';

// Demo people no other spec signs in as: ending their sessions or changing their password disturbs nobody.
const SESSIONS_USER = 'dev@umbrella.test';
const RESET_USER = 'qa@umbrella.test';
const PORTAL = '/portal/umbrella-health';
const FIREFOX_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5; rv:127.0) Gecko/20100101 Firefox/127.0';
const SAFARI_IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

// Several browsers, sign-ins and mails each: more time than a one-page test.
test.describe.configure({ timeout: 150_000 });

test.describe('sessions you can end', () => {
  test('one device signs another out from /account; that device is signed out on its next navigation', async ({ browser }) => {
    const laptop = await browser.newContext();
    const phone = await browser.newContext({ userAgent: FIREFOX_MAC });
    const tablet = await browser.newContext({ userAgent: SAFARI_IPAD });
    const [here, onPhone, onTablet] = await Promise.all([laptop.newPage(), phone.newPage(), tablet.newPage()]);
    for (const page of [here, onPhone, onTablet]) await signIn(page, SESSIONS_USER);

    // The account menu leads to /account, which lists every device, this one marked.
    await here.getByRole('button', { name: /Account menu/ }).first().click();
    await here.getByRole('link', { name: 'Your account' }).click();
    await expect(here).toHaveURL(/\/account$/);
    const devices = here.getByRole('list', { name: 'Signed-in devices' });
    await expect(devices.getByRole('listitem').filter({ hasText: 'This device' })).toContainText('Chrome on Windows');
    const phoneRow = devices.getByRole('listitem').filter({ hasText: 'Firefox on macOS' });
    await expect(phoneRow).toContainText('127.0.0.1');
    await expect(devices.getByRole('listitem').filter({ hasText: 'Safari on iOS' })).toHaveCount(1);

    await phoneRow.getByRole('button', { name: 'Sign out' }).click();
    await here.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await expect(phoneRow).toHaveCount(0);

    // The phone still holds its cookie; its next navigation finds the session ended.
    await onPhone.goto(PORTAL);
    await expect(onPhone).toHaveURL(/\/sign-in/);
    await onTablet.goto(PORTAL);
    await expect(onTablet).toHaveURL(new RegExp(`${PORTAL}$`));

    await here.getByRole('button', { name: 'Sign out all other devices' }).click();
    await here.getByRole('dialog').getByRole('button', { name: 'Sign out others' }).click();
    await expect(devices.getByRole('listitem')).toHaveCount(1);
    await onTablet.reload();
    await expect(onTablet).toHaveURL(/\/sign-in/);
    await here.goto(PORTAL);
    await expect(here).toHaveURL(new RegExp(`${PORTAL}$`));

    // And everywhere, this device included.
    await here.goto('/account');
    await here.getByRole('button', { name: 'Sign out everywhere' }).click();
    await here.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await expect(here).toHaveURL(/\/sign-in/);
    await here.goto(PORTAL);
    await expect(here).toHaveURL(/\/sign-in/);
    await Promise.all([laptop.close(), phone.close(), tablet.close()]);
  });
});

test.describe('password reset', () => {
  async function askForLink(page: Page, email: string) {
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    const answer = page.getByRole('status').filter({ hasText: 'Check your email' });
    await expect(answer).toBeVisible();
    return answer.textContent();
  }

  /** Asks for a link, reads it from the received mail, and chooses `password` with it. */
  async function resetTo(page: Page, password: string, tryWeakFirst = false) {
    const since = mailCount();
    const answer = await askForLink(page, RESET_USER);
    const mail = await mailTo(RESET_USER, /^Reset your Portcullis password$/, since);
    const link = /https?:\/\/\S+\/reset-password\/pcm_[0-9A-Za-z]{43}/.exec(mail.text)?.[0];
    expect(link, mail.text).toBeTruthy();
    await page.goto(new URL(link!).pathname);
    await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await expect(page.getByText(`For ${RESET_USER}.`)).toBeVisible();
    if (tryWeakFirst) {
      await page.getByLabel('New password').fill('password1234');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect(page.getByText(/This is too close to a commonly used password\./).first()).toBeVisible();
    }
    await page.getByLabel('New password').fill(password);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect(page).toHaveURL(/\/sign-in\?reset=done$/);
    await expect(page.getByText('Your password was changed and every device was signed out.')).toBeVisible();
    // The link works once.
    await page.goto(new URL(link!).pathname);
    await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
    return answer;
  }

  test('a forgotten password is reset with the link from a received email, which signs every device out', async ({ page, browser }) => {
    // Chosen here, so a retry never depends on the password a previous attempt left.
    const first = `first ${randomBytes(4).toString('hex')} garden lantern`;
    const second = `second ${randomBytes(4).toString('hex')} river compass`;
    const known = await resetTo(page, first, true);
    // The answer is the same for an address without an account.
    expect(await askForLink(page, `nobody-${randomBytes(4).toString('hex')}@umbrella.test`)).toBe(known);

    const device = await browser.newContext();
    const elsewhere = await device.newPage();
    await signIn(elsewhere, RESET_USER, first);
    await expect(elsewhere).toHaveURL(new RegExp(`${PORTAL}$`));

    await resetTo(page, second);
    await elsewhere.goto(PORTAL);
    await expect(elsewhere).toHaveURL(/\/sign-in/);

    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(RESET_USER);
    await page.getByLabel('Password').fill(first);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alertWith(page, 'Incorrect email or password.')).toBeVisible();
    await signIn(page, RESET_USER, second);
    await expect(page).toHaveURL(new RegExp(`${PORTAL}$`));
    await device.close();
  });
});
