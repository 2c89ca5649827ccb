import { expect, test } from '@playwright/test';
import { createLicenseVerifier, type Jwks } from '../kit/license-verifier';
import { alertWith, signIn, storageState } from './fixtures';

test.describe.serial('UpgradeGate', () => {
  test('a Community customer meets the gate with the upgrade path; an override opens it; removing it closes it again', async ({ browser }) => {
    test.setTimeout(180_000); // three signed-in browsers and several round trips on a shared machine
    const customer = await browser.newPage();
    await signIn(customer, 'owner@umbrella.test');
    await customer.goto('/portal/umbrella-health/usage');
    await expect(customer.getByRole('heading', { name: 'Plan & usage', level: 1 })).toBeVisible();

    const gate = customer.getByRole('region', { name: 'API access is locked' });
    await expect(gate).toBeVisible();
    await expect(gate.getByRole('heading', { name: 'API access needs an upgrade' })).toBeVisible();
    await expect(gate).toContainText('API access is available on the Team plan; this organization is on Community.');
    // One click into Stripe Checkout for Team (billing.spec.ts follows it); billing runs on the demo's Stripe stand-in.
    await expect(gate.getByRole('button', { name: 'Upgrade to Team' })).toBeVisible();
    await expect(customer.getByTestId('api-access')).toHaveCount(0);
    // All three Community seats are taken (SSO tests may provision more people into this org): the warning says so.
    await expect(customer.getByText(/^Seats: \d+ of 3 members$/)).toBeVisible();
    await expect(customer.getByRole('listitem').filter({ hasText: 'Single sign-on' })).toContainText('Enterprise plan');

    // Staff grant API access to this customer for a month.
    const staff = await browser.newPage({ storageState: storageState('admin') });
    await staff.goto('/admin/licenses/features');
    await staff.getByRole('button', { name: 'Add override' }).click();
    const dialog = staff.getByRole('dialog', { name: 'Override a feature for one customer' });
    await dialog.getByLabel('Customer').fill('umbrella-health');
    await dialog.getByLabel('Feature').selectOption('api_access');
    await dialog.getByLabel('Until').fill(new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10));
    await dialog.getByLabel('Reason').fill('API pilot');
    await dialog.getByRole('button', { name: 'Save override' }).click();
    await expect(dialog).toBeHidden();
    const row = staff.getByRole('row').filter({ hasText: 'Umbrella Health' }).filter({ hasText: 'api_access' });
    await expect(row).toContainText('API pilot');

    await customer.reload();
    await expect(customer.getByTestId('api-access')).toBeVisible();
    await expect(customer.getByRole('region', { name: 'API access is locked' })).toHaveCount(0);

    // The Enterprise customer has it by tier.
    const globex = await browser.newPage({ storageState: storageState('owner') });
    await globex.goto('/portal/globex/usage');
    await expect(globex.getByTestId('api-access')).toBeVisible();
    await globex.screenshot({ path: 'test-results/usage-enterprise.png', fullPage: true });

    await staff.reload();
    await row.getByRole('button', { name: 'Remove' }).click();
    await staff.getByRole('dialog', { name: 'Remove this override?' }).getByRole('button', { name: 'Remove' }).click();
    await expect(row).toHaveCount(0);
    await customer.reload();
    await expect(customer.getByRole('region', { name: 'API access is locked' })).toBeVisible();
    await customer.screenshot({ path: 'test-results/usage-community.png', fullPage: true });
  });
});

test.describe('licenses (staff)', () => {
  test.use({ storageState: storageState('admin') });

  test('issue from the customer page, download a token that verifies offline, revoke with a reason', async ({ page, request }) => {
    test.setTimeout(120_000);
    await page.goto('/admin/customers/initech/licenses');
    await expect(page.getByRole('heading', { name: /Initech/, level: 1 })).toBeVisible();
    await page.getByLabel('Tier').selectOption('enterprise');
    await page.getByRole('textbox', { name: 'Seats' }).fill('40');
    await page.getByRole('button', { name: 'Issue license' }).click();
    await expect(page).toHaveURL(/\/admin\/licenses\/[0-9a-f-]+\?issued=1$/, { timeout: 45_000 });
    await expect(page.getByText('License issued')).toBeVisible();
    await expect(page.getByText('Seats: 40')).toBeVisible();
    await page.screenshot({ path: 'test-results/license-detail.png', fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^initech-license-[0-9a-f]{8}\.jwt$/);
    const token = (await (await download.createReadStream()).toArray()).join('').trim();
    expect(token).toBe((await page.getByLabel('License key').textContent())?.trim());

    const jwks = (await (await request.get('/.well-known/jwks.json')).json()) as Jwks;
    const result = createLicenseVerifier({ jwks, audience: 'self-hosted-product' }).verify(token);
    expect(result).toMatchObject({ status: 'valid', claims: { tier: 'enterprise', customer_name: 'Initech', limits: { seats: 40 } } });

    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this license?' });
    await dialog.getByLabel('Reason').fill('x'); // too short: the server says why, next to the field
    await dialog.getByRole('button', { name: 'Revoke license' }).click();
    await expect(dialog.getByText('Say why the license is revoked.').first()).toBeVisible({ timeout: 30_000 });
    await dialog.getByLabel('Reason').fill('customer asked for a new one');
    await dialog.getByRole('button', { name: 'Revoke license' }).click();
    await expect(alertWith(page, 'customer asked for a new one')).toBeVisible({ timeout: 30_000 });

    const list = await (await request.get('/api/v1/licenses/revocations?format=json')).json();
    expect(list.claims.revoked).toContain(result.status === 'valid' ? result.claims.jti : '');
    const online = await request.get('/api/v1/entitlements', { headers: { authorization: `Bearer ${token}` } });
    expect(online.status()).toBe(401);
  });

  test('signing keys: rotate keeps the old key published', async ({ page, request }) => {
    await page.goto('/admin/licenses/keys');
    await expect(page.getByRole('heading', { name: 'Signing keys', level: 1 })).toBeVisible();
    const before = ((await (await request.get('/.well-known/jwks.json')).json()) as Jwks).keys.map((k) => k.kid);
    await page.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('dialog', { name: 'Rotate the signing key?' }).getByRole('button', { name: 'Rotate' }).click();
    await expect(page.getByText(/New signing key .* is active\./)).toBeVisible();
    const after = ((await (await request.get('/.well-known/jwks.json')).json()) as Jwks).keys.map((k) => k.kid);
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after.length).toBe(before.length + 1);
    await expect(page.getByText('Active (signs)')).toHaveCount(1);
    await page.screenshot({ path: 'test-results/signing-keys.png', fullPage: true });
  });

  test('the pages render: list, expiring, features', async ({ page }) => {
    await page.goto('/admin/licenses');
    await expect(page.getByRole('table', { name: 'Licenses' })).toBeVisible();
    await expect(page.getByRole('link', { name: /Globex/ }).first()).toBeVisible();
    await page.screenshot({ path: 'test-results/licenses-list.png', fullPage: true });
    await page.goto('/admin/licenses/expiring?days=30');
    await expect(page.getByRole('heading', { name: /Licenses \(\d+\)/ })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Umbrella Health' })).toBeVisible();
    await page.screenshot({ path: 'test-results/expiring.png', fullPage: true });
    await page.goto('/admin/licenses/features');
    await expect(page.getByRole('table', { name: 'Feature table by tier' })).toBeVisible();
    await page.screenshot({ path: 'test-results/features.png', fullPage: true });
    await page.goto('/admin');
    await expect(page.getByRole('heading', { name: 'Plan limits' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Umbrella Health' }).last()).toBeVisible();
  });
});
