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

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
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
