import { expect, test } from '@playwright/test';
import { alertWith, storageState } from './fixtures';

test.describe('pull statistics', () => {
  test.use({ storageState: storageState('billing') });

  test('staff see totals, the daily chart, adoption and who never pulled', async ({ page }) => {
    await page.goto('/admin/stats');
    await expect(page.getByRole('heading', { name: 'Pull statistics', level: 1 })).toBeVisible();
    await expect(page.getByRole('img', { name: /Pulls and denials per day/ })).toBeVisible();
    const byCustomer = page.getByRole('table', { name: 'Pulls by customer' });
    await expect(byCustomer.getByRole('link', { name: 'Globex' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Active customers who never pulled' }).getByRole('link', { name: 'Umbrella Health' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Tags pulled per customer and image' }).getByText('4.2.0', { exact: true })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Recent denied requests' }).getByText('token expired').first()).toBeVisible();
  });

  test('filters by customer and date range through the URL', async ({ page }) => {
    await page.goto('/admin/stats');
    await page.getByLabel('Customer').selectOption({ label: 'Initech' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/customer=initech/);
    await expect(page.getByText(/^Initech: /)).toBeVisible();
    await expect(page.getByRole('table', { name: 'Pulls by customer' })).toHaveCount(0);

    await page.getByRole('link', { name: 'Last 7 days' }).click();
    await expect(page).toHaveURL(/days=7&customer=initech/);

    await page.goto('/admin/stats?from=2026-02-10&to=2026-01-01');
    await expect(alertWith(page, 'The start date must not be after the end date.')).toBeVisible();
  });
});
