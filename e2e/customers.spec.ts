import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { saveManualTier, storageState } from './fixtures';

const TOKEN = /^pcr_[0-9A-Za-z]{38}$/;

test.describe('onboarding a customer', () => {
  test.use({ storageState: storageState('admin') });

  test('staff creates "Acme Corp", mints a token, copies the instructions and revokes the token', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const slug = `acme-corp-${randomUUID().slice(0, 6)}`;

    await page.goto('/admin/customers');
    await page.getByRole('link', { name: 'New customer' }).first().click();
    await expect(page.getByRole('heading', { name: 'New customer' })).toBeVisible();
    await page.getByLabel(/^Name/).fill('Acme Corp');
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Contact email').fill('ops@acme.test');
    await page.getByLabel('Tier').selectOption('enterprise');
    await page.getByLabel('Target namespace').fill('acme-prod');
    await page.getByRole('button', { name: 'Create customer' }).click();

    await expect(page).toHaveURL(new RegExp(`/admin/customers/${slug}$`));
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Acme Corp');

    // Grant the demo repository, then mint.
    await page.getByLabel('Grant access to').selectOption({ label: 'vendor/product-enterprise' });
    await page.getByRole('button', { name: 'Grant', exact: true }).click();
    // (The success toast is a list item too; the grant's row is the one with a Remove button.)
    await expect(page.getByRole('listitem').filter({ hasText: 'vendor/product-enterprise' }).filter({ has: page.getByRole('button', { name: 'Remove' }) })).toBeVisible();

    await page.getByRole('navigation', { name: 'Customer sections' }).getByRole('link', { name: /Tokens/ }).click();
    await expect(page.getByText('No tokens yet')).toBeVisible();
    await page.getByRole('button', { name: 'Mint token' }).click();
    const mint = page.getByRole('dialog', { name: /Mint a pull token for Acme Corp/ });
    await mint.getByLabel(/^Name/).fill('production cluster');
    await expect(mint.getByLabel('vendor/product-enterprise')).toBeChecked();
    await mint.getByRole('button', { name: 'Mint token' }).click();

    const reveal = page.getByRole('dialog', { name: /Copy the token "production cluster" now/ });
    await expect(reveal).toBeVisible();
    const token = (await reveal.getByLabel('Token', { exact: true }).textContent())!.trim();
    expect(token).toMatch(TOKEN);

    // Copy the instructions with the token filled in.
    await reveal.getByRole('button', { name: 'Copy Install instructions' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain(`--docker-username=${slug}`);
    expect(copied).toContain(`--docker-password=${token}`);
    expect(copied).toContain('kubectl create secret docker-registry');
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await expect(reveal).toBeHidden();

    // Listed by prefix only, never the token.
    const row = page.getByRole('row').filter({ hasText: 'production cluster' });
    await expect(row).toContainText(token.slice(0, 12));
    await expect(row).toContainText('Active');
    await expect(page.getByText(token)).toHaveCount(0);

    await row.getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke "production cluster"?' });
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole('row').filter({ hasText: 'production cluster' })).toContainText('Revoked');

    // The checklist ticked itself, and the activity tab tells the story.
    await page.getByRole('navigation', { name: 'Customer sections' }).getByRole('link', { name: 'Onboarding' }).click();
    await expect(page.getByRole('listitem').filter({ hasText: 'Registry access granted' })).toContainText('admin@portcullis.test');
    await expect(page.getByRole('listitem').filter({ hasText: 'Install instructions delivered' })).toContainText('(done)');
    await page.getByRole('navigation', { name: 'Customer sections' }).getByRole('link', { name: 'Activity' }).click();
    const events = page.getByRole('list', { name: 'Audit events' });
    for (const action of ['customer.create', 'entitlement.create', 'token.create', 'instructions.download', 'token.revoke']) {
      await expect(events.getByText(action, { exact: true }).first()).toBeVisible();
    }
  });

  test('staff limit the versions a customer may pull, and its instructions say so', async ({ page }) => {
    const slug = `versioned-${randomUUID().slice(0, 6)}`;
    await page.goto('/admin/customers/new');
    await page.getByLabel(/^Name/).fill('Versioned Inc');
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Contact email').fill('ops@versioned.test');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/customers/${slug}$`));
    await page.getByLabel('Grant access to').selectOption({ label: 'vendor/product-enterprise' });
    await page.getByRole('button', { name: 'Grant', exact: true }).click();

    await page.getByRole('button', { name: 'Versions of vendor/product-enterprise' }).click();
    const dialog = page.getByRole('dialog', { name: 'Versions of vendor/product-enterprise Versioned Inc may pull' });
    await dialog.getByLabel('Version range').fill('the newest one');
    await dialog.getByRole('button', { name: 'Save versions' }).click();
    await expect(dialog).toContainText('"the newest one" is not a semver range');
    await dialog.getByLabel('Version range').fill('>=4.0.0 <5');
    await dialog.getByRole('button', { name: 'Save versions' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('granted-versions')).toHaveText('May pull: versions >=4.0.0 <5');
    await page.screenshot({ path: 'test-results/customer-versions.png', fullPage: true });

    await page.getByRole('navigation', { name: 'Customer sections' }).getByRole('link', { name: 'Install instructions' }).click();
    await expect(page.getByRole('heading', { name: /Versions you may run/ })).toBeVisible();
    await expect(page.getByText('Your subscription lets you pull vendor/product-enterprise: versions >=4.0.0 <5.')).toBeVisible();
    await expect(page.getByText(/vendor\/product-enterprise:4\.2\.0/).first()).toBeVisible();
  });

  test('the tier changes as a manual tier on the customer page, not in the edit form', async ({ page }) => {
    const slug = `tiered-${randomUUID().slice(0, 6)}`;
    await page.goto('/admin/customers/new');
    await page.getByLabel(/^Name/).fill('Tiered Inc');
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Contact email').fill('ops@tiered.test');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/customers/${slug}$`));
    await expect(page.getByText('Follows their Stripe subscription')).toBeVisible();

    await page.getByRole('button', { name: 'Set manual tier for Tiered Inc' }).click();
    const dialog = page.getByRole('dialog', { name: 'Manual tier for Tiered Inc' });
    await expect(dialog).toContainText('re-issues their license');
    await saveManualTier(page, dialog, 'enterprise', 'Invoiced deal, contract TI-1');
    await expect(page.getByText('A manual tier set by billing staff')).toBeVisible();
    await expect(page.getByText('manual', { exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Enterprise');
    await page.screenshot({ path: 'test-results/customer-manual-tier.png', fullPage: true });

    // The edit form shows the tier but does not change it.
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await expect(page.getByRole('combobox', { name: 'Tier' })).toHaveCount(0);
    const tier = page.getByRole('group', { name: 'Tier' });
    await expect(tier).toContainText('Enterprise');
    await expect(tier).toContainText('Not changed here');
    await page.screenshot({ path: 'test-results/customer-edit-tier.png', fullPage: true });
    await tier.getByRole('link', { name: 'Manual tier on the overview' }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/customers/${slug}$`));

    await page.getByRole('navigation', { name: 'Customer sections' }).getByRole('link', { name: 'Activity' }).click();
    const events = page.getByRole('list', { name: 'Audit events' });
    for (const action of ['billing.manual_tier_set', 'billing.tier_change']) {
      await expect(events.getByText(action, { exact: true }).first()).toBeVisible();
    }
  });

  test('bad input is reported next to the fields and creates nothing', async ({ page }) => {
    await page.goto('/admin/customers/new');
    await page.getByLabel(/^Name/).fill('Globex Again');
    await page.getByLabel('Slug').fill('globex');
    await page.getByLabel('Contact email').fill('not-an-email');
    await page.getByLabel('License expires').fill('2001-01-01');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect(page.getByText('Enter a valid email address, e.g. ops@acme.com.')).toBeVisible();
    await expect(page.getByText('The license expiry must be today or later.')).toBeVisible();
    await page.getByLabel('Contact email').fill('ops@globex.test');
    await page.getByLabel('License expires').fill('');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect(page.getByText('The slug "globex" is already used by Globex.').first()).toBeVisible();
    await expect(page).toHaveURL(/\/admin\/customers\/new$/);
  });
});

test.describe('as support', () => {
  test.use({ storageState: storageState('support') });

  test('finds a customer with search and filters but cannot deactivate or revoke all', async ({ page }) => {
    await page.goto('/admin/customers');
    await page.getByLabel('Search name, slug or email').fill('initech');
    await expect(page.getByRole('row')).toHaveCount(2);
    await page.getByLabel('License expiry').selectOption('30d');
    await expect(page).toHaveURL(/expiry=30d/);
    await page.getByRole('link', { name: /Initech/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Initech');
    await expect(page.getByRole('button', { name: 'Deactivate customer' })).toHaveCount(0);
    // A paid tier is a manual tier, which is billing's: support creates Community customers.
    await page.goto('/admin/customers/new');
    await expect(page.getByRole('combobox', { name: 'Tier' })).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'Tier' })).toContainText('Community');
    await page.goto('/admin/settings');
    await expect(page.getByText('Only staff admins change these settings')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save section' })).toHaveCount(0);
  });
});
