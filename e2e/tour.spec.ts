import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { AxeResults, RunOptions } from 'axe-core';
import { storageState, type DemoRole } from './fixtures';

/**
 * The tour: every page of the admin and the portal, as each demo role, at a
 * desktop and a phone width, in one browser with the signed-in sessions
 * auth.setup.ts saved. Each page must answer without a 5xx, log no console
 * error, fit the screen (nothing wider than the viewport except inside a
 * scroll container that says it scrolls), show no raw codes to a person,
 * and pass axe-core with no serious or critical violation. A screenshot of
 * every page is kept under test-results/tour/ (JPEG; the whole page at desktop
 * width, the first screen on the phone).
 *
 * A page this list does not name fails the first test: new pages join the tour.
 */

type Who = DemoRole | 'signed-out';
type Stop = { route: string; url: string | ((ids: Ids) => string); who: readonly Who[] };
type Ids = { license: string; repository: string; ssoOrg: string };

const STAFF = ['admin', 'support', 'billing'] as const;
const CUSTOMERS = ['owner', 'viewer'] as const;
const EVERYONE_SIGNED_IN = [...STAFF, ...CUSTOMERS] as const;
const ORG = 'globex';

const STOPS: readonly Stop[] = [
  // Signed out: the entry points and the links people follow from mail.
  { route: '/', url: '/', who: ['signed-out'] },
  { route: '/sign-in', url: '/sign-in', who: ['signed-out'] },
  { route: '/sign-in/sso', url: '/sign-in/sso', who: ['signed-out'] },
  { route: '/sign-in/sso/error', url: '/sign-in/sso/error?reason=no_seat', who: ['signed-out'] },
  { route: '/sign-in/sso/link', url: '/sign-in/sso/link', who: ['signed-out'] },
  { route: '/sign-in/mfa', url: '/sign-in/mfa', who: ['signed-out'] },
  { route: '/forgot-password', url: '/forgot-password', who: ['signed-out'] },
  { route: '/reset-password/[token]', url: '/reset-password/pcr_not_a_real_link', who: ['signed-out'] },
  { route: '/invite/[token]', url: '/invite/pci_not_a_real_invitation', who: ['signed-out', 'owner'] },
  { route: '/account', url: '/account', who: EVERYONE_SIGNED_IN },
  // The staff admin (a role that lacks a page gets the admin's styled not-found).
  { route: '/admin', url: '/admin', who: STAFF },
  { route: '/admin/customers', url: '/admin/customers', who: STAFF },
  { route: '/admin/customers/new', url: '/admin/customers/new', who: STAFF },
  { route: '/admin/customers/[slug]', url: `/admin/customers/${ORG}`, who: STAFF },
  { route: '/admin/customers/[slug]/edit', url: `/admin/customers/${ORG}/edit`, who: STAFF },
  { route: '/admin/customers/[slug]/tokens', url: `/admin/customers/${ORG}/tokens`, who: STAFF },
  { route: '/admin/customers/[slug]/licenses', url: `/admin/customers/${ORG}/licenses`, who: STAFF },
  { route: '/admin/customers/[slug]/instructions', url: `/admin/customers/${ORG}/instructions`, who: STAFF },
  { route: '/admin/customers/[slug]/onboarding', url: `/admin/customers/${ORG}/onboarding`, who: STAFF },
  { route: '/admin/customers/[slug]/activity', url: `/admin/customers/${ORG}/activity`, who: STAFF },
  { route: '/admin/repositories', url: '/admin/repositories', who: STAFF },
  { route: '/admin/repositories/new', url: '/admin/repositories/new', who: STAFF },
  { route: '/admin/repositories/[id]', url: (ids) => `/admin/repositories/${ids.repository}`, who: STAFF },
  { route: '/admin/licenses', url: '/admin/licenses', who: STAFF },
  { route: '/admin/licenses/[id]', url: (ids) => `/admin/licenses/${ids.license}`, who: STAFF },
  { route: '/admin/licenses/expiring', url: '/admin/licenses/expiring', who: STAFF },
  { route: '/admin/licenses/features', url: '/admin/licenses/features', who: STAFF },
  { route: '/admin/licenses/keys', url: '/admin/licenses/keys', who: STAFF },
  { route: '/admin/stats', url: '/admin/stats', who: STAFF },
  { route: '/admin/audit', url: '/admin/audit', who: STAFF },
  { route: '/admin/audit/siem', url: '/admin/audit/siem', who: STAFF },
  { route: '/admin/billing', url: '/admin/billing', who: STAFF },
  { route: '/admin/sso', url: '/admin/sso', who: STAFF },
  { route: '/admin/sso/[slug]', url: (ids) => `/admin/sso/${ids.ssoOrg}`, who: STAFF },
  { route: '/admin/settings', url: '/admin/settings', who: STAFF },
  // The customer portal, as its owner and as a viewer (who meets the portal's styled not-found on pages the role lacks).
  { route: '/portal', url: '/portal', who: CUSTOMERS },
  { route: '/portal/[org]', url: `/portal/${ORG}`, who: CUSTOMERS },
  { route: '/portal/[org]/install', url: `/portal/${ORG}/install`, who: CUSTOMERS },
  { route: '/portal/[org]/licenses', url: `/portal/${ORG}/licenses`, who: CUSTOMERS },
  { route: '/portal/[org]/usage', url: `/portal/${ORG}/usage`, who: CUSTOMERS },
  { route: '/portal/[org]/activity', url: `/portal/${ORG}/activity`, who: CUSTOMERS },
  { route: '/portal/[org]/billing', url: `/portal/${ORG}/billing`, who: CUSTOMERS },
  { route: '/portal/[org]/team', url: `/portal/${ORG}/team`, who: CUSTOMERS },
  { route: '/portal/[org]/team/teams', url: `/portal/${ORG}/team/teams`, who: CUSTOMERS },
  { route: '/portal/[org]/team/roles', url: `/portal/${ORG}/team/roles`, who: CUSTOMERS },
  { route: '/portal/[org]/settings', url: `/portal/${ORG}/settings`, who: CUSTOMERS },
  { route: '/portal/[org]/settings/sso', url: `/portal/${ORG}/settings/sso`, who: CUSTOMERS },
  { route: '/portal/[org]/audit', url: `/portal/${ORG}/audit`, who: CUSTOMERS },
  { route: '/portal/[org]/audit/streaming', url: `/portal/${ORG}/audit/streaming`, who: CUSTOMERS },
  // Unknown addresses, inside and outside the shells.
  { route: '(unknown)', url: '/no-such-page', who: ['signed-out'] },
  { route: '(unknown admin)', url: '/admin/no-such-page', who: ['admin'] },
  { route: '(unknown portal)', url: `/portal/${ORG}/no-such-page`, who: ['viewer'] },
];

const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  mobile: { width: 390, height: 844 },
} as const;

const SHOTS = path.join('test-results', 'tour');

/**
 * axe-core, the accessibility rule engine, loaded into every page the tour's
 * browser opens and run in place. (@axe-core/playwright's AxeBuilder opens a
 * blank page per check to finish the run: 1.2 s of the 1.4 s each check took.)
 */
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_OPTIONS: RunOptions = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] };

/** The app's page routes, from the files under app/ (route groups dropped). */
function pageRoutes(): string[] {
  const routes: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'page.tsx') {
        const route = path
          .relative('app', path.dirname(full))
          .split(path.sep)
          .filter((part) => part && !part.startsWith('('))
          .join('/');
        routes.push(`/${route}`);
      }
    }
  };
  walk('app');
  return routes.sort();
}

/** The first segments of every audit action the code records: a word like `token.create` on a page is a raw code. */
function auditPrefixes(): string[] {
  const prefixes = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'generated') walk(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        for (const match of fs.readFileSync(full, 'utf8').matchAll(/action: '([a-z_]+)\.[a-z_.]+'/g)) prefixes.add(match[1]!);
      }
    }
  };
  walk('lib');
  walk('app');
  return [...prefixes];
}

test('the tour visits every page the app has', () => {
  const toured = new Set(STOPS.map((stop) => stop.route));
  const missing = pageRoutes().filter((route) => !toured.has(route === '/' ? '/' : route));
  expect(missing, 'pages the tour does not visit: add them to STOPS in e2e/tour.spec.ts').toEqual([]);
});

/** Ids the dynamic pages need, read from the staff admin's own lists. */
async function discoverIds(browser: Browser): Promise<Ids> {
  const context = await browser.newContext({ storageState: storageState('admin') });
  const page = await context.newPage();
  const firstLink = async (url: string, pattern: RegExp) => {
    await page.goto(url);
    const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    const found = hrefs.map((href) => href.split('?')[0]!).find((href) => pattern.test(href));
    if (!found) throw new Error(`no link matching ${pattern} on ${url}`);
    return found.split('/').pop()!;
  };
  try {
    return {
      license: await firstLink('/admin/licenses', /^\/admin\/licenses\/(?!keys$|features$|expiring$)[^/]+$/),
      repository: await firstLink('/admin/repositories', /^\/admin\/repositories\/(?!new$)[^/]+$/),
      ssoOrg: await firstLink('/admin/sso', /^\/admin\/sso\/[^/]+$/),
    };
  } finally {
    await context.close();
  }
}

/** What is wrong with the page's layout at this width, if anything. Runs in the page. */
function layoutProblems(): string[] {
  const viewport = document.documentElement.clientWidth;
  const describe = (el: Element) => {
    const label = el.getAttribute('aria-label') ?? el.getAttribute('data-testid') ?? (el.textContent ?? '').trim().slice(0, 40);
    return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> "${label}"`;
  };
  const scrollsX = (el: Element) => {
    const overflow = getComputedStyle(el).overflowX;
    return overflow === 'auto' || overflow === 'scroll';
  };
  const problems: string[] = [];
  if (document.documentElement.scrollWidth > viewport + 1) problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${viewport}px window`);
  const offenders = new Set<Element>();
  for (const el of Array.from(document.body.querySelectorAll('*'))) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (scrollsX(el) && el.scrollWidth > el.clientWidth + 1 && !el.closest('[data-scroll-hint]')) {
      problems.push(`${describe(el)} scrolls sideways without showing that it does (give it data-scroll-hint)`);
    }
    const rect = el.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2 || rect.right <= viewport + 1) continue;
    if (style.position === 'fixed' && (rect.left >= viewport || rect.right <= 0)) continue; // an off-canvas drawer, closed
    let inside: Element | null = el.parentElement;
    let contained = false;
    while (inside && inside !== document.body) {
      // Inside a scroller, an element already reported, or text cut short on purpose (`truncate`: ellipsis, full text on hover).
      if (scrollsX(inside) || offenders.has(inside) || getComputedStyle(inside).textOverflow === 'ellipsis') {
        contained = true;
        break;
      }
      inside = inside.parentElement;
    }
    if (contained) continue;
    if (el.closest('[aria-hidden="true"]')) continue;
    offenders.add(el);
    problems.push(`${describe(el)} reaches ${Math.round(rect.right)}px, past the ${viewport}px window`);
  }
  return problems;
}

/** Codes meant for machines, shown as prose: `registry_access`, `onboarding.tick`. Runs in the page. */
function rawCodes(prefixes: string[]): string[] {
  const dotted = new RegExp(`\\b(?:${prefixes.join('|')})\\.[a-z_]+(?:\\.[a-z_]+)?\\b`);
  const snake = /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/;
  const found = new Set<string>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('code, pre, kbd, samp, script, style, textarea, [data-code], [hidden], [aria-hidden="true"]')) continue;
    const text = node.textContent ?? '';
    const match = text.match(dotted) ?? text.match(snake);
    if (!match) continue;
    // An email address, a host name or a URL contains dots and underscores legitimately.
    const word = text.slice(Math.max(0, match.index! - 60), match.index! + match[0].length + 60).split(/\s+/).find((w) => w.includes(match[0])) ?? match[0];
    if (/[@/:]/.test(word)) continue;
    if (parent.getClientRects().length === 0) continue;
    found.add(`"${match[0]}" in "${text.trim().slice(0, 80)}"`);
  }
  return [...found];
}

async function visit(page: Page, url: string, prefixes: string[]) {
  const errors: string[] = [];
  const onConsole = (message: { type(): string; text(): string }) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  };
  const onPageError = (error: Error) => errors.push(`page error: ${error.message}`);
  const onResponse = (response: { status(): number; url(): string }) => {
    if (response.status() >= 500) errors.push(`${response.status()} from ${response.url()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('response', onResponse);
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    // Hydrated and painted (networkidle would wait out pages that poll).
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const status = response?.status() ?? 0;
    expect(status, `${url} answered ${status}`).toBeLessThan(500);
    // The browser reports the document's own 404 (a styled not-found page) as a console error; that one is expected.
    const unexpected = errors.filter((error) => !(status === 404 && /status of 404/.test(error)));
    expect(unexpected, `${url}: console errors or 5xx`).toEqual([]);
    expect(await page.evaluate(layoutProblems), `${url}: layout`).toEqual([]);
    expect(await page.evaluate(rawCodes, prefixes), `${url}: raw codes shown to a person`).toEqual([]);
    const axe = await page.evaluate((options) => (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe.run(document, options), AXE_OPTIONS);
    const serious = axe.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
    expect(serious, `${url}: accessibility`).toEqual([]);
    return status;
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('response', onResponse);
  }
}

const WHO: readonly Who[] = ['signed-out', ...EVERYONE_SIGNED_IN];

for (const who of WHO) {
  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    test(`tour as ${who} at ${width} width (${viewport.width}×${viewport.height})`, async ({ browser }) => {
      test.setTimeout(300_000);
      const prefixes = auditPrefixes();
      const stops = STOPS.filter((stop) => stop.who.includes(who));
      const ids = stops.some((stop) => typeof stop.url === 'function') ? await discoverIds(browser) : undefined;
      const context = await browser.newContext({
        viewport,
        storageState: who === 'signed-out' ? { cookies: [], origins: [] } : storageState(who),
        ...(width === 'mobile' ? { isMobile: true, hasTouch: true } : {}),
      });
      await context.addInitScript({ content: AXE_SOURCE });
      const page = await context.newPage();
      const failures: string[] = [];
      try {
        for (const stop of stops) {
          const url = typeof stop.url === 'function' ? stop.url(ids!) : stop.url;
          const name = `${who}-${width}-${stop.route.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}`;
          // Every page is checked even when one fails, so one run lists everything to fix.
          await test.step(`${url}`, async () => {
            try {
              await visit(page, url, prefixes);
            } catch (error) {
              failures.push(`${url}\n${(error as Error).message}`);
            } finally {
              await page.screenshot({ path: path.join(SHOTS, `${name}.jpeg`), type: 'jpeg', quality: 70, fullPage: width === 'desktop' }).catch(() => {});
            }
          });
        }
      } finally {
        await context.close();
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
    });
  }
}
