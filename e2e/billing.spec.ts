import { expect, test, type Page } from '@playwright/test';
import { saveManualTier, signIn, storageState } from './fixtures';

/**
 * Billing against the local Stripe stand-in that `npm run demo` starts: the
 * real `stripe` library, a hosted checkout page, and signed webhooks sent
 * to /api/webhooks/stripe.
 */
const OWNER = 'owner@hooli.test';
const BILLING = '/portal/hooli/billing';
const USAGE = '/portal/hooli/usage';

/** A retry may find Hooli already upgraded: cancel through the stand-in's billing portal first. */
async function ensureCommunity(page: Page) {
  await page.goto(BILLING);
  const plan = page.getByRole('definition').first();
  if ((await plan.textContent())?.includes('Community')) return;
  await page.getByRole('button', { name: 'Manage billing' }).click();
  await page.getByRole('button', { name: 'Cancel immediately' }).click();
  await page.goto(BILLING);
  await expect(page.getByRole('definition').first()).toHaveText('Community');
}

test.describe('billing', () => {
  test('a Community customer upgrades to Team through Checkout; the webhook moves the tier', async ({ page }) => {
    test.setTimeout(180_000); // many page loads on a shared 2-core machine
    await signIn(page, OWNER);
    await ensureCommunity(page);

    // The customer meets an UpgradeGate: API access (a Team feature) on the Plan & usage page.
    // Its button goes straight into Stripe Checkout for Team, in one click.
    await page.goto(USAGE);
    const locked = page.getByRole('region', { name: 'API access is locked' });
    await expect(locked).toBeVisible();
    await locked.getByRole('button', { name: 'Upgrade to Team' }).click();
    await expect(page).toHaveURL(/\/checkout\/cs_test_/);
    await expect(page.getByText('TEST MODE')).toBeVisible();
    // Backing out lands on the billing page with Team chosen, to compare plans first.
    await page.getByRole('link', { name: '← Back' }).click();
    await expect(page).toHaveURL(/\/portal\/hooli\/billing\?checkout=canceled&upgrade=team$/);
    await expect(page.getByRole('heading', { name: 'Billing', level: 1 })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Test mode' })).toBeVisible();
    const team = page.getByRole('region', { name: 'Team plan' });
    await expect(team.getByText('Needed for this feature')).toBeVisible();
    await expect(team.getByText('$49')).toBeVisible();
    await page.getByText('Yearly').click();
    await expect(team.getByText('$490')).toBeVisible();
    await page.getByText('Monthly').click();
    await team.getByRole('button', { name: 'Upgrade to Team' }).click();

    // The stand-in's hosted checkout page.
    await expect(page).toHaveURL(/\/checkout\/cs_test_/);
    await expect(page.getByText('TEST MODE')).toBeVisible();
    await page.getByLabel('Card number').fill('4000 0000 0000 0002');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
    await page.getByLabel('Card number').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Subscribe' }).click();

    await expect(page).toHaveURL(/\/portal\/hooli\/billing\?checkout=success/);
    await expect(page.getByText('Welcome to Team')).toBeVisible();
    await expect(page.getByRole('definition').first()).toHaveText('Team');
    await expect(page.getByText('Active', { exact: true })).toBeVisible();
    await expect(page.getByText('Renews on')).toBeVisible();
    const invoices = page.getByRole('table', { name: 'Invoices' });
    await expect(invoices.getByRole('row')).toHaveCount(2);
    await expect(invoices.getByText('$49.00')).toBeVisible();
    await expect(invoices.getByText('paid')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Team plan' }).getByText('Current plan')).toBeVisible();
    // The gated feature is open now.
    await page.goto(USAGE);
    await expect(page.getByTestId('api-access')).toBeVisible();
    await expect(page.getByRole('region', { name: 'API access is locked' })).toHaveCount(0);
    await page.goto(BILLING);

    // A failed renewal: past_due with a grace period, then paid again, all through signed webhooks.
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await expect(page.getByRole('heading', { name: 'Manage your subscription' })).toBeVisible();
    await page.getByRole('button', { name: 'Simulate a failed renewal payment' }).click();
    await page.getByRole('link', { name: '← Return' }).click();
    await expect(page.getByText('Payment overdue')).toBeVisible();
    await expect(page.getByText(/Update your payment method by .* to keep Team/)).toBeVisible();
    await expect(page.getByRole('definition').first()).toHaveText('Team');
    await page.getByRole('button', { name: 'Manage billing' }).click();
    await page.getByRole('button', { name: 'Pay the open invoice' }).click();
    await page.getByRole('link', { name: '← Return' }).click();
    await expect(page.getByText('Active', { exact: true })).toBeVisible();
  });

  test('the webhook endpoint refuses unsigned and badly signed deliveries', async ({ request }) => {
    const body = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'customer.subscription.updated', created: 1, data: { object: {} } });
    const missing = await request.post('/api/webhooks/stripe', { data: body, headers: { 'content-type': 'application/json' } });
    expect(missing.status()).toBe(400);
    const forged = await request.post('/api/webhooks/stripe', {
      data: body,
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
    });
    expect(forged.status()).toBe(400);
    expect(forged.headers()['content-type']).toBe('application/problem+json');
    expect(await forged.json()).toMatchObject({ status: 400, detail: expect.stringContaining('Invalid Stripe signature') });
  });
});

test.describe('staff billing', () => {
  test.use({ storageState: storageState('billing') });

  test('billing staff see every customer and set a manual tier with a reason', async ({ page }) => {
    // Globex is on Enterprise already: the manual tier pins it there, so no other test sees its tier change.
    await page.goto('/admin/billing?q=globex');
    await expect(page.getByRole('heading', { name: 'Billing', level: 1 })).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: 'Globex' });
    await expect(row).toBeVisible();
    await row.getByRole('button', { name: 'Set manual tier for Globex' }).click();
    const dialog = page.getByRole('dialog', { name: 'Manual tier for Globex' });
    await dialog.getByLabel('Tier').selectOption('enterprise');
    await dialog.getByLabel('Reason').fill('PO');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog.getByText(/Say why/)).toBeVisible();
    await saveManualTier(page, dialog, 'enterprise', 'Invoiced deal, contract GLX-2026');
    await expect(row.getByText('Enterprise')).toBeVisible();
    await expect(row.getByText('manual', { exact: true })).toBeVisible();
  });
});
