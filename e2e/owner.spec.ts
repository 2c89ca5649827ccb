import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { signIn, storageState } from './fixtures';
import { mailCount, mailTo } from './mailbox';

// Staff, a new customer's first owner in a second browser, and several mails: more time than a one-page test.
test.describe.configure({ timeout: 150_000 });

test.describe('the first owner, from the admin side', () => {
  test.use({ storageState: storageState('admin') });

  test('staff invite the first owner from the customer page; they join with the mailed code, the checklist ticks "Owner signed in", and they change their address with a mailed code', async ({ page, browser }) => {
    const id = randomUUID().slice(0, 6);
    const name = `Initrode ${id}`;
    const slug = `initrode-${id}`;
    const email = `boss-${id}@initrode.test`;

    await page.goto('/admin/customers/new');
    await page.getByLabel(/^Name/).fill(name);
    await page.getByLabel('Slug').fill(slug);
    await page.getByLabel('Contact email').fill(`ops-${id}@initrode.test`);
    await page.getByRole('button', { name: 'Create customer' }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/customers/${slug}$`));
    await expect(page.getByText(`${name} has no owner yet: invite the first one.`)).toBeVisible();

    // Invite the owner (the role defaults to Owner), and a second person whose invitation is then cancelled.
    const invite = async (address: string) => {
      await page.getByRole('button', { name: 'Invite owner' }).click();
      const dialog = page.getByRole('dialog', { name: `Invite someone to ${name}` });
      await dialog.getByLabel('Email').fill(address);
      await expect(dialog.getByLabel('Role')).toHaveValue('owner');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      const sent = page.getByRole('dialog', { name: `Invitation sent to ${address}` });
      await expect(sent).toBeVisible();
      await sent.getByRole('button', { name: 'Done' }).click();
    };
    await invite(email);
    const invitations = page.getByRole('list', { name: 'Invitations' });
    await expect(invitations.getByRole('listitem').filter({ hasText: email })).toContainText('Pending');
    const spare = `deputy-${id}@initrode.test`;
    await invite(spare);
    const spareRow = invitations.getByRole('listitem').filter({ hasText: spare });
    await spareRow.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel invitation' }).click();
    await expect(spareRow).toContainText('Cancelled');
    await expect(spareRow.getByRole('button', { name: `Resend the invitation for ${spare}` })).toHaveCount(0);

    // The invitee, in a fresh browser, follows the link from their mail and proves the mailbox with a code.
    const invitation = await mailTo(email, new RegExp(`^You are invited to ${name} on Portcullis$`));
    const link = /https?:\/\/\S+\/invite\/pci_[0-9A-Za-z]{43}/.exec(invitation.text)![0];
    const ownerContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const owner = await ownerContext.newPage();
    await owner.goto(new URL(link).pathname);
    await expect(owner.getByRole('heading', { name: `Join ${name}` })).toBeVisible();
    await owner.getByRole('button', { name: 'Email me a code' }).click();
    const code = /^\s+(\d{8})$/m.exec((await mailTo(email, new RegExp(`^Your code to join ${name} on Portcullis$`))).text)![1]!;
    await owner.getByLabel('Code from the email').fill(code);
    await owner.getByLabel('Your name').fill('Bill Lumbergh');
    await owner.getByLabel('Choose a password').fill('a long enough password');
    await owner.getByRole('button', { name: `Create account and join ${name}` }).click();
    await expect(owner).toHaveURL(new RegExp(`/portal/${slug}$`));

    // Staff see the invitation accepted, the owner among the members, and the checklist item ticked by the owner's sign-in.
    await page.reload();
    await expect(invitations.getByRole('listitem').filter({ hasText: email })).toContainText('Accepted');
    await expect(page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: email })).toContainText('Owner');
    await page.goto(`/admin/customers/${slug}/onboarding`);
    const item = page.getByRole('listitem').filter({ hasText: 'Owner signed in' });
    await expect(item).toContainText('(done)');
    await expect(item).toContainText(`by ${email}`);
    await page.screenshot({ path: 'test-results/owner-signed-in-checklist.png', fullPage: true });

    // The new owner changes their address on /account: the password, then the code mailed to the new address.
    const moved = `bill-${id}@initrode.test`;
    await owner.goto('/account');
    const emailForm = owner.locator('form').filter({ has: owner.getByLabel('New email address') });
    await emailForm.getByLabel('New email address').fill(moved);
    await emailForm.getByLabel('Current password').fill('not my password');
    await emailForm.getByRole('button', { name: 'Email me a code' }).click();
    await expect(emailForm.getByText('That is not your current password.').first()).toBeVisible();
    const since = mailCount();
    await emailForm.getByLabel('Current password').fill('a long enough password');
    await emailForm.getByRole('button', { name: 'Email me a code' }).click();
    await expect(owner.getByText(`We sent a code to ${moved}.`).first()).toBeVisible();
    const changeCode = /^\s+(\d{8})$/m.exec((await mailTo(moved, /^Confirm your new Portcullis email address$/, since)).text)![1]!;
    await owner.getByLabel('Code from the email').fill(changeCode);
    await owner.getByRole('button', { name: 'Confirm new address' }).click();
    await expect(owner.getByText(`Your address is now ${moved}.`)).toBeVisible();
    await expect(owner.getByRole('definition').filter({ hasText: moved }).first()).toBeVisible();
    const notice = await mailTo(email, /^Your Portcullis email address was changed$/, since);
    expect(notice.text).toContain(moved);

    // Their data, as JSON: the new address, the membership, nothing secret.
    const [download] = await Promise.all([owner.waitForEvent('download'), owner.getByRole('link', { name: 'Download your data' }).click()]);
    const exported = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
    const data = JSON.parse(exported) as { profile: { email: string }; memberships: { slug: string; role: string }[] };
    expect(data.profile.email).toBe(moved);
    expect(data.memberships).toEqual([expect.objectContaining({ slug, role: 'Owner' })]);
    expect(exported).not.toMatch(/passwordHash|scrypt\$|pci_|pcm_/);

    // As the only owner they cannot delete their account; the message names the organization.
    const deleteForm = owner.locator('form').filter({ has: owner.getByRole('button', { name: 'Delete my account' }) });
    await deleteForm.getByLabel('Current password').fill('a long enough password');
    await deleteForm.getByRole('button', { name: 'Delete my account' }).click();
    await expect(deleteForm.getByText(`You are the last owner of ${name}.`)).toBeVisible();

    // Staff deactivate the owner from the customer page: the owner's browser is signed out on its next click.
    await page.goto(`/admin/customers/${slug}`);
    const ownerRow = page.getByRole('list', { name: 'Members' }).getByRole('listitem').filter({ hasText: moved });
    await ownerRow.getByRole('button', { name: 'Deactivate' }).click();
    await page.getByRole('dialog', { name: `Deactivate ${moved}?` }).getByRole('button', { name: 'Deactivate' }).click();
    await expect(ownerRow).toContainText('Deactivated');
    await owner.goto(`/portal/${slug}`);
    await expect(owner).toHaveURL(/\/sign-in/);
    await ownerRow.getByRole('button', { name: 'Reactivate' }).click();
    await page.getByRole('dialog', { name: `Reactivate ${moved}?` }).getByRole('button', { name: 'Reactivate' }).click();
    await expect(ownerRow).not.toContainText('Deactivated');
    // Reactivated, they sign in again, with their new address.
    await signIn(owner, moved, 'a long enough password');
    await expect(owner).toHaveURL(new RegExp(`/portal/${slug}$`));
    await ownerContext.close();
  });
});
