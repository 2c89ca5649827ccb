import { test as setup } from '@playwright/test';
import { signIn, storageState, USERS, type DemoRole } from './fixtures';

for (const role of Object.keys(USERS) as DemoRole[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await signIn(page, USERS[role]);
    await page.context().storageState({ path: storageState(role) });
  });
}
