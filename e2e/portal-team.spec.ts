import { expect, test } from '@playwright/test';
import { storageState } from './fixtures';
import { mailTo } from './mailbox';

test.describe('portal team', () => {
  test.use({ storageState: storageState('owner') });

  test('an owner invites a member with a custom role; the member accepts and sees only what the role allows', async ({ page, browser }) => {
    test.slow(); // a long journey through two browsers
    const suffix = Math.random().toString(36).slice(2, 8);
    const roleName = `QA Engineer ${suffix}`;
    const email = `qa-${suffix}@globex.test`;

    // The owner composes a custom role: instructions and licenses, nothing about tokens or people.
    await page.goto('/portal/globex/team/roles');
    await page.getByRole('button', { name: 'New role' }).click();
    const roleDialog = page.getByRole('dialog', { name: 'New custom role' });
    await roleDialog.getByLabel('Name').fill(roleName);
    await roleDialog.getByLabel('View install instructions').check();
    await roleDialog.getByLabel('View licenses').check();
    await roleDialog.getByRole('button', { name: 'Create role' }).click();
    await expect(roleDialog).toBeHidden();
    await expect(page.getByRole('region', { name: `Role ${roleName}` })).toContainText('licenses.view');

    // ... and invites someone new with it; the link is shown once (the invitee's mail has it too).
    await page.getByRole('link', { name: /Members/ }).click();
    await page.getByRole('button', { name: 'Invite member' }).click();
    const inviteDialog = page.getByRole('dialog', { name: 'Invite a member' });
    await inviteDialog.getByLabel('Email').fill(email);
    await inviteDialog.getByLabel('Role').selectOption({ label: roleName });
    await inviteDialog.getByRole('button', { name: 'Send invitation' }).click();
    const reveal = page.getByRole('dialog', { name: `Invitation sent to ${email}` });
    const link = (await reveal.locator('pre').textContent())!.trim();
    expect(link).toMatch(/\/invite\/pci_[0-9A-Za-z]{43}$/);
    await reveal.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByText('Pending invitations')).toBeVisible();
    await expect(page.getByRole('list', { name: 'Pending invitations' }).getByRole('listitem').filter({ hasText: email })).toContainText(roleName);

    // The invitee, in a fresh browser, follows the link from their mail; the link alone creates nothing:
    // they ask for a code, read it in the same mailbox, and only then create their account.
    const invitation = await mailTo(email, /^You are invited to Globex on Portcullis$/);
    expect(invitation.text).toContain(link);
    const invitee = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const member = await invitee.newPage();
    await member.goto(new URL(link).pathname);
    await expect(member.getByRole('heading', { name: 'Join Globex' })).toBeVisible();
    await expect(member.getByText(roleName)).toBeVisible();
    await expect(member.getByLabel('Choose a password')).toHaveCount(0);
    await member.getByRole('button', { name: 'Email me a code' }).click();
    await expect(member.getByText(`We sent a code to ${email}.`)).toBeVisible();
    const code = /^\s+(\d{8})$/m.exec((await mailTo(email, /^Your code to join Globex on Portcullis$/)).text)![1]!;
    await member.getByLabel('Code from the email').fill(String((Number(code) + 1) % 1e8).padStart(8, '0'));
    await member.getByLabel('Your name').fill('Quinn Assurance');
    await member.getByLabel('Choose a password').fill('a long enough password');
    await member.getByRole('button', { name: 'Create account and join Globex' }).click();
    await expect(member.getByText('That code is not right. 4 tries left.').first()).toBeVisible();
    await member.getByLabel('Code from the email').fill(code);
    await member.getByLabel('Choose a password').fill('a long enough password');
    await member.getByRole('button', { name: 'Create account and join Globex' }).click();
    await expect(member).toHaveURL(/\/portal\/globex$/);

    // The custom role decides what they see: instructions and licenses, no tokens, people or billing.
    const nav = member.getByRole('navigation').first();
    await expect(nav.getByRole('link', { name: 'Install' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Licenses' })).toBeVisible();
    for (const hidden of ['Team', 'Pull activity', 'Billing', 'Settings']) await expect(nav.getByRole('link', { name: hidden })).toHaveCount(0);
    await expect(member.getByRole('link', { name: /Install the product/ })).toBeVisible();
    await expect(member.getByRole('link', { name: /Rotate the registry token/ })).toHaveCount(0);
    await expect(member.getByRole('link', { name: /Invite a teammate/ })).toHaveCount(0);
    await expect(member.getByText(roleName)).toBeVisible();
    expect((await member.goto('/portal/globex/team'))?.status()).toBe(404);
    // Inside the portal, with who can grant access and a way back.
    await expect(member.getByText('This page isn’t available to you')).toBeVisible();
    await expect(member.getByText(/owners and admins of your organization can change your role/)).toBeVisible();
    await expect(member.getByRole('link', { name: 'Back to your organization' })).toHaveAttribute('href', '/portal/globex');
    // Instructions yes, tokens no; licenses visible but not downloadable.
    await member.goto('/portal/globex/install');
    await expect(member.getByRole('heading', { name: 'Install', level: 1 })).toBeVisible();
    await expect(member.getByRole('heading', { name: 'Registry tokens' })).toHaveCount(0);
    await member.goto('/portal/globex/licenses');
    await expect(member.getByRole('heading', { name: 'Licenses', level: 1 })).toBeVisible();
    await expect(member.getByRole('link', { name: /Download/ })).toHaveCount(0);
    expect((await member.goto('/portal/globex/activity'))?.status()).toBe(404);

    // A used link cannot be used again.
    await member.goto(new URL(link).pathname);
    await expect(member.getByRole('heading', { name: 'This invitation was already used.' })).toBeVisible();
    await invitee.close();

    // The owner sees the new member with the custom role, and the invitation is gone.
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: email });
    await expect(row).toContainText(roleName);
    await expect(page.getByRole('list', { name: 'Pending invitations' }).getByRole('listitem').filter({ hasText: email })).toHaveCount(0);

    // Removing them ends their access.
    await row.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click();
    await expect(page.getByRole('row').filter({ hasText: email })).toHaveCount(0);
  });

  test('the last owner cannot leave', async ({ page }) => {
    await page.goto('/portal/globex/team');
    await page.getByRole('button', { name: 'Leave organization' }).click();
    const dialog = page.getByRole('dialog', { name: 'Leave Globex?' });
    await dialog.getByRole('button', { name: 'Leave organization' }).click();
    await expect(dialog.getByRole('alert')).toContainText('You are the last owner');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});

test.describe('portal team as a viewer', () => {
  test.use({ storageState: storageState('viewer') });

  test('a viewer sees the members but cannot invite, change roles or manage teams', async ({ page }) => {
    await page.goto('/portal/globex/team');
    await expect(page.getByRole('row').filter({ hasText: 'owner@globex.test' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Invite member' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /Change role/ })).toHaveCount(0);
    await page.goto('/portal/globex/team/teams');
    await expect(page.getByRole('button', { name: 'New team' })).toHaveCount(0);
    await page.goto('/portal/globex/team/roles');
    await expect(page.getByRole('button', { name: 'New role' })).toHaveCount(0);
    await page.goto('/portal/globex/install');
    await expect(page.getByRole('button', { name: /^Rotate/ })).toHaveCount(0);
  });
});

test.describe('registry tokens in the portal', () => {
  test.use({ storageState: storageState('admin') });

  // Each rotation shows the new token once, in a dialog that must outlive the old token's row (which the page's refresh changes).
  test('staff mint and rotate a token for Globex; its owner rotates the successor and sees every token by status', async ({ page, browser }) => {
    const name = `portal rotation ${Math.random().toString(36).slice(2, 8)}`;
    const copyOnce = async (on: typeof page) => {
      const reveal = on.getByRole('dialog', { name: `Copy the token "${name}" now` });
      await expect(reveal.getByLabel('Token', { exact: true })).toHaveText(/^pcr_[0-9A-Za-z]{38}$/);
      await reveal.getByRole('button', { name: 'I have copied it' }).click();
      await expect(reveal).toBeHidden();
    };
    await page.goto('/admin/customers/globex/tokens');
    await page.getByRole('button', { name: 'Mint token' }).click();
    const mint = page.getByRole('dialog', { name: /Mint a pull token for Globex/ });
    await mint.getByLabel(/^Name/).fill(name);
    await mint.getByRole('button', { name: 'Mint token' }).click();
    await copyOnce(page);
    const rows = page.getByRole('row').filter({ hasText: name });
    await rows.getByRole('button', { name: 'Rotate' }).click();
    await page.getByRole('dialog', { name: `Rotate "${name}"?` }).getByRole('button', { name: 'Rotate' }).click();
    await copyOnce(page);
    await expect(rows.filter({ hasText: 'Rotating out' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'Active' })).toHaveCount(1);

    const ownerContext = await browser.newContext({ storageState: storageState('owner') });
    const owner = await ownerContext.newPage();
    await owner.goto('/portal/globex/install');
    const tokens = owner.getByRole('list', { name: 'Registry tokens' });
    const minted = tokens.getByRole('listitem').filter({ hasText: name });
    await expect(minted).toHaveCount(2);
    await expect(minted.filter({ hasText: 'Being replaced' })).toHaveCount(1);
    const active = minted.filter({ hasText: 'Active' });
    await expect(active).toHaveCount(1);

    await active.getByRole('button', { name: 'Rotate' }).click();
    const rotate = owner.getByRole('dialog', { name: `Rotate "${name}"?` });
    await expect(rotate.getByLabel('Overlap')).toHaveValue('24');
    await rotate.getByRole('button', { name: 'Rotate' }).click();
    await copyOnce(owner);

    // The old tokens keep working through the overlap, marked as being replaced; only the newest can be rotated again.
    await expect(minted).toHaveCount(3);
    await expect(minted.filter({ hasText: 'Being replaced' })).toHaveCount(2);
    await expect(minted.filter({ hasText: 'Active' })).toHaveCount(1);
    await expect(minted.getByRole('button', { name: 'Rotate' })).toHaveCount(1);
    await owner.screenshot({ path: 'test-results/screens/portal-install-tokens.png', fullPage: true });
    await ownerContext.close();
  });
});
