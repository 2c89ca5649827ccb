import { chromium } from '@playwright/test';
const base = 'http://127.0.0.1:3110';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ storageState: 'e2e/.auth/admin.json', viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const shots = process.argv.slice(2);
for (const spec of shots) {
  const [path, name, full] = spec.split('|');
  await page.goto(base + path);
  await page.waitForLoadState('load'); await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/wt3-shots/${name}.png`, fullPage: full === 'full' });
  console.log('shot', name);
}
await browser.close();
