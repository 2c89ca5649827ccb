import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'portcullis-demo';

export const USERS = {
  admin: 'admin@portcullis.test',
  support: 'support@portcullis.test',
  billing: 'billing@portcullis.test',
  owner: 'owner@globex.test',
  viewer: 'viewer@globex.test',
} as const;
export type DemoRole = keyof typeof USERS;

/** Signed-in browser state per role, written by auth.setup.ts. */
export function storageState(role: DemoRole): string {
  return path.join(import.meta.dirname, '.auth', `${role}.json`);
}

/** The published TOTP key of the demo staff (dev/seed/demo.ts DEMO_TOTP_SECRET): staff must use MFA. */
export const DEMO_TOTP_SECRET = 'PORTCULLISDEMOSECRETKEYFORSTAFF2';
const DEMO_STAFF_EMAILS: readonly string[] = [USERS.admin, USERS.support, USERS.billing];

/** The TOTP code for `secret` at `at`, from oathtool (the independent implementation, Debian package oathtool). */
export function totpCode(secret: string, at = Date.now()): string {
  return execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${Math.floor(at / 1000)}`], { encoding: 'utf8' }).trim();
}

/**
 * Types a TOTP code on /sign-in/mfa. A code works once per 30-second step
 * and another test may have just signed the same demo account in: a refused
 * code is followed by the next step's (accepted one step early), then by a
 * wait for the next step to begin and the code of the one after it.
 */
export async function enterTotp(page: Page, secret: string) {
  // Offsets from now of the code to type; null: first wait for the next step to begin.
  for (const offset of [0, 30_000, null, null]) {
    if (offset === null) await page.waitForTimeout(30_000 - (Date.now() % 30_000) + 500);
    const refusal = alertWith(page, /That code is not right/);
    // allTextContents never waits: a page that navigates away mid-poll must not stall it.
    const before = (await refusal.allTextContents()).join('\n');
    await page.getByLabel('Authentication code').fill(totpCode(secret, Date.now() + (offset ?? 30_000)));
    await page.getByRole('button', { name: 'Verify' }).click();
    let outcome = 'waiting';
    await expect
      .poll(
        async () => {
          if (!new URL(page.url()).pathname.startsWith('/sign-in')) return (outcome = 'in');
          const shown = (await refusal.allTextContents()).join('\n');
          if (shown && shown !== before) return (outcome = 'refused');
          return 'waiting';
        },
        { timeout: 30_000 },
      )
      .not.toBe('waiting');
    if (outcome === 'in') return;
  }
  throw new Error('no TOTP code was accepted');
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD, totpSecret = DEMO_STAFF_EMAILS.includes(email) ? DEMO_TOTP_SECRET : undefined) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (totpSecret) {
    await expect(page).toHaveURL(/\/sign-in\/mfa/);
    await enterTotp(page, totpSecret);
  }
  await expect(page).not.toHaveURL(/\/sign-in/);
}

/**
 * The alert showing `text`. Next's route announcer is a second, empty
 * role=alert on every page, so an unfiltered getByRole('alert') is ambiguous
 * as soon as the announcer has mounted.
 */
export function alertWith(page: Page, text: string | RegExp) {
  return page.getByRole('alert').filter({ hasText: text });
}

/** Fills the staff Manual tier dialog (customer overview or billing list) and waits for it to close on success. */
export async function saveManualTier(page: Page, dialog: Locator, tier: string, reason: string) {
  await dialog.getByLabel('Tier').selectOption(tier);
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(`Manual tier set; the customer is now on ${tier}.`)).toBeVisible();
  await expect(dialog).toBeHidden();
}
