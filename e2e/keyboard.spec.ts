import { expect, test, type Locator, type Page } from '@playwright/test';
import { DEMO_PASSWORD, storageState } from './fixtures';

/**
 * The main flows with the keyboard alone: Tab to each control (it must be
 * reachable, and show that it has focus), type, press Enter or Space. No
 * clicks, no fill(): what a person who cannot use a mouse does.
 */

/** Presses Tab until `target` has focus; fails if it never does or if it shows no focus indicator. */
async function tabTo(page: Page, target: Locator, max = 80) {
  await expect(target).toBeVisible();
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) {
      const indicated = await target.evaluate((el) => {
        const style = getComputedStyle(el);
        return (style.outlineStyle !== 'none' && style.outlineWidth !== '0px') || style.boxShadow !== 'none';
      });
      expect(indicated, 'the focused control shows a focus indicator').toBe(true);
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

test.describe('keyboard only', () => {
  test('staff mint a registry token', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState('support') });
    const page = await context.newPage();
    await page.goto('/admin/customers/globex/tokens');
    await tabTo(page, page.getByRole('button', { name: 'Mint token' }));
    await page.keyboard.press('Enter');
    const mint = page.getByRole('dialog', { name: /Mint a pull token for Globex/ });
    await expect(mint).toBeVisible();
    const name = `keyboard ${Date.now().toString(36)}`;
    await typeInto(page, mint.getByLabel(/^Name/), name);
    const repository = mint.getByRole('checkbox').first();
    if (!(await repository.isChecked())) {
      await tabTo(page, repository);
      await page.keyboard.press('Space');
    }
    await tabTo(page, mint.getByRole('button', { name: 'Mint token' }));
    await page.keyboard.press('Enter');
    const reveal = page.getByRole('dialog', { name: new RegExp(`Copy the token "${name}" now`) });
    await expect(reveal).toBeVisible();
    await expect(reveal.getByLabel('Token', { exact: true })).toHaveText(/^pcr_/);
    await tabTo(page, reveal.getByRole('button', { name: 'I have copied it' }));
    await page.keyboard.press('Enter');
    await expect(reveal).toBeHidden();
    await expect(page.getByRole('row').filter({ hasText: name })).toContainText('Active');
    await context.close();
  });

  test('an owner invites a member', async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState('owner') });
    const page = await context.newPage();
    await page.goto('/portal/globex/team');
    await tabTo(page, page.getByRole('button', { name: 'Invite member' }));
    await page.keyboard.press('Enter');
    const invite = page.getByRole('dialog', { name: 'Invite a member' });
    await expect(invite).toBeVisible();
    const email = `keyboard-${Date.now().toString(36)}@globex.test`;
    await typeInto(page, invite.getByLabel('Email'), email);
    const role = invite.getByLabel('Role');
    await tabTo(page, role);
    await page.keyboard.press('ArrowDown'); // the next role in the list
    const chosen = await role.inputValue();
    await tabTo(page, invite.getByRole('button', { name: 'Send invitation' }));
    await page.keyboard.press('Enter');
    const reveal = page.getByRole('dialog', { name: `Invitation sent to ${email}` });
    await expect(reveal).toBeVisible();
    await tabTo(page, reveal.getByRole('button', { name: 'Done' }));
    await page.keyboard.press('Enter');
    await expect(reveal).toBeHidden();
    const pending = page.getByRole('list', { name: 'Pending invitations' }).getByRole('listitem').filter({ hasText: email });
    await expect(pending).toBeVisible();
    expect(chosen).not.toBe('');
    await context.close();
  });

  test('a customer signs in and reaches Checkout to upgrade, and back', async ({ browser }) => {
    // Umbrella Health is on Community; a declined card changes nothing, so this runs beside the billing spec's upgrade of Hooli.
    const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await typeInto(page, page.getByLabel('Email'), 'owner@umbrella.test');
    await typeInto(page, page.getByLabel('Password'), DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await expect(page).not.toHaveURL(/\/sign-in/);

    await page.goto('/portal/umbrella-health/billing');
    await tabTo(page, page.getByRole('region', { name: 'Team plan' }).getByRole('button', { name: 'Upgrade to Team' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/checkout\/cs_test_/);
    await typeInto(page, page.getByLabel('Card number'), '4000 0000 0000 0002');
    await tabTo(page, page.getByRole('button', { name: 'Subscribe' }));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').filter({ hasText: 'Your card was declined.' })).toBeVisible();
    await tabTo(page, page.getByRole('link', { name: '← Back' }));
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/portal\/umbrella-health\/billing\?checkout=canceled&upgrade=team$/);
    await expect(page.getByRole('definition').first()).toHaveText('Community');
    await context.close();
  });
});
