import { expect, test } from '@playwright/test';
import { signIn, storageState } from './fixtures';

/**
 * Catalog = enforcement in the browser: a Community customer meets the
 * UpgradeGate on the pages of Enterprise portal features (the server refuses
 * the actions too: dev/sweeps/catalog.db.test.ts), and billing staff
 * set a customer's own pull limit.
 */
test.describe('tiers', () => {
  test('a Community owner meets UpgradeGates on SSO and custom roles', async ({ page }) => {
    test.setTimeout(120_000);
    await signIn(page, 'owner@umbrella.test');
    await page.goto('/portal/umbrella-health/settings/sso');
    await expect(page.getByText('Single sign-on needs an upgrade')).toBeVisible();
    await expect(page.getByText(/Single sign-on is available on the Enterprise plan/)).toBeVisible();
    await expect(page.getByRole('link', { name: 'Contact sales' })).toBeVisible();
    await expect(page.getByRole('button', { name: /Add.*connection/i })).toHaveCount(0);

    await page.goto('/portal/umbrella-health/team/roles');
    await expect(page.getByText('Custom roles (RBAC) needs an upgrade')).toBeVisible();
    await expect(page.getByRole('button', { name: 'New role' })).toHaveCount(0);
  });

  test.describe('staff', () => {
    test.use({ storageState: storageState('admin') });

    test('staff set a customer\'s own pull limit, audited', async ({ page }) => {
      test.setTimeout(120_000);
      await page.goto('/admin/customers/initech');
      const form = page.getByRole('form', { name: 'Customer limits' });
      await form.getByLabel('Image pulls').fill('1234');
      await form.getByLabel('Reason').fill('contract 12: more pulls');
      await form.getByRole('button', { name: 'Save limits' }).click();
      await expect(page.getByText('Limits saved.')).toBeVisible();
      await page.reload();
      await expect(page.getByRole('form', { name: 'Customer limits' }).getByLabel('Image pulls')).toHaveValue('1234');
      await page.goto('/admin/audit?action=quota.update');
      await expect(page.getByText('quota.update').first()).toBeVisible();
    });
  });
});
