import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect, test, type APIResponse, type Page } from '@playwright/test';
import pg from 'pg';
import { generateToken } from '@/lib/product/registry/token-format';
import { e2eDatabaseUrl } from '@/dev/testing/e2e-database';
import { TcpProxy } from '@/dev/testing/tcp-proxy';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, enterTotp, signIn, storageState, totpCode, USERS } from './fixtures';

/**
 * The HTTP edge, through the real server: which client address the server
 * believes, the security headers on every page and route (and a browser
 * that finds nothing blocked by the CSP), redirects that stay home, and a
 * database that stalls. A second server (TRUST_PROXY=1, its database
 * through a TCP relay the test freezes) runs beside the suite's own on
 * E2E_PORT+1, the relay on E2E_PORT+2.
 */
const port = Number(process.env.E2E_PORT ?? 3100);
const origin = `http://127.0.0.1:${port}`;
const EDGE_PORT = port + 1;
const RELAY_PORT = port + 2;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** A plain HTTP request, from a chosen loopback address when `from` is given (the server sees it as the socket peer). */
function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.from, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Date.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 30 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

const cookiesOf = (answer: Answer) => (answer.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]!);

/**
 * next-auth's password sign-in over HTTP: the refusal code, or null and the
 * session cookie. With `totpSecret`, an account with MFA takes the second
 * step too (the ticket cookie's value and a code, to the `mfa` provider).
 */
async function passwordSignIn(
  base: string,
  email: string,
  password: string,
  options: { from?: string; forwardedFor?: string; userAgent?: string; totpSecret?: string } = {},
): Promise<{ refused: string | null; cookie: string }> {
  const headers: Record<string, string> = { 'user-agent': options.userAgent ?? 'http-edge-spec' };
  if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
  const csrf = await send(`${base}/api/auth/csrf`, { headers, from: options.from });
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const answer = await send(`${base}/api/auth/callback/password`, {
    method: 'POST',
    from: options.from,
    headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(csrf).join('; ') },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: '/' }).toString(),
  });
  expect(answer.status).toBe(302);
  const location = new URL(String(answer.headers.location), base);
  const refused = location.searchParams.get('code') ?? (location.searchParams.get('error') ? 'error' : null);
  if (refused === 'mfa_required' && options.totpSecret) {
    const ticket = cookiesOf(answer).find((cookie) => cookie.startsWith('portcullis.mfa='))!.slice('portcullis.mfa='.length);
    // A code works once per step: if another test just used this one, the next step's, then a fresh step's.
    for (const offset of [0, 30_000, null, null]) {
      if (offset === null) await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 500));
      const second = await send(`${base}/api/auth/callback/mfa`, {
        method: 'POST',
        from: options.from,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(csrf).join('; ') },
        body: new URLSearchParams({ ticket, code: totpCode(options.totpSecret, Date.now() + (offset ?? 30_000)), csrfToken, callbackUrl: '/' }).toString(),
      });
      expect(second.status).toBe(302);
      const next = new URL(String(second.headers.location), base);
      const code = next.searchParams.get('code') ?? (next.searchParams.get('error') ? 'error' : null);
      if (!code) return { refused: null, cookie: cookiesOf(second).join('; ') };
      if (!code.startsWith('mfa_invalid')) return { refused: code, cookie: '' };
    }
    return { refused: 'mfa_invalid', cookie: '' };
  }
  return { refused, cookie: cookiesOf(answer).join('; ') };
}

async function withDatabase<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: e2eDatabaseUrl() });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** The address the audit log recorded for the one sign-in made with this user agent. */
async function auditedAddress(userAgent: string): Promise<string | null> {
  const rows = await withDatabase(async (db) => (await db.query<{ ip: string | null }>(`SELECT ip FROM audit_events WHERE action = 'auth.sign_in' AND user_agent = $1`, [userAgent])).rows);
  expect(rows).toHaveLength(1);
  return rows[0]!.ip;
}

test.describe('the client address', () => {
  test('a forged X-Forwarded-For neither escapes the per-address sign-in limit nor lands in the audit log', async () => {
    // A loopback address of this test's own, so its failures count against nobody else's.
    const from = `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
    const userAgent = `http-edge-spec/${randomUUID()}`;
    expect((await passwordSignIn(origin, USERS.viewer, DEMO_PASSWORD, { from, forwardedFor: '203.0.113.99', userAgent })).refused).toBeNull();
    expect(await auditedAddress(userAgent)).toBe(from);

    // Wrong passwords from one address, each claiming another: refused as rate limited once the per-address limit is passed.
    let refusedAfter = 0;
    for (let attempt = 1; attempt <= 40 && !refusedAfter; attempt++) {
      const { refused } = await passwordSignIn(origin, `nobody-${randomUUID()}@example.test`, 'not-the-password', { from, forwardedFor: `198.51.100.${attempt}` });
      if (refused?.startsWith('rate_limited')) refusedAfter = attempt;
      else expect(refused).toBe('invalid');
    }
    expect(refusedAfter).toBeGreaterThan(0);
  });
});

/** Every page and route in app/, with demo values for its dynamic segments. */
function appPaths(): string[] {
  const root = path.resolve(import.meta.dirname, '..', 'app');
  const values: Record<string, string> = { org: 'globex', slug: 'globex', token: 'pci_not-a-real-invitation', '...nextauth': 'session' };
  const found: string[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        const name = entry.name;
        if (name.startsWith('_') || name.startsWith('@')) continue;
        const segment = /^\(.*\)$/.test(name) ? null : /^\[(.+)\]$/.test(name) ? (values[name.slice(1, -1)] ?? 'unknown-id') : name;
        walk(path.join(dir, name), segment === null ? segments : [...segments, segment]);
      } else if (/^(page|route)\.tsx?$/.test(entry.name)) {
        found.push(`/${segments.join('/')}`);
      }
    }
  };
  walk(root, []);
  return found;
}

function expectSecurityHeaders(response: APIResponse, what: string) {
  const headers = response.headers();
  const policy = headers['content-security-policy'] ?? '';
  const scripts = policy.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('script-src')) ?? '';
  expect(policy, `${what}: CSP`).toContain("frame-ancestors 'none'");
  expect(scripts, `${what}: inline scripts`).not.toContain("'unsafe-inline'");
  expect(headers['x-frame-options'], what).toBe('DENY');
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
  expect(headers['permissions-policy'], what).toContain('camera=()');
  // PUBLIC_URL is http in this suite: no HSTS (lib/platform/net/security-headers.test.ts covers https).
  expect(headers['strict-transport-security'], what).toBeUndefined();
  return policy;
}

test.describe('security headers', () => {
  test('every page and route answers with them, signed in or not, found or not', async ({ playwright }) => {
    const paths = appPaths();
    expect(paths.length).toBeGreaterThan(50);
    const signedIn = await playwright.request.newContext({ baseURL: origin, storageState: storageState('admin') });
    const signedOut = await playwright.request.newContext({ baseURL: origin });
    try {
      const signInPage = await signedOut.get('/sign-in');
      const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(await signInPage.text())?.[1];
      expect(asset).toBeTruthy();
      const extra = ['/no-such-page', '/.well-known/jwks.json', asset!, '/v2/', `/v2/globex/app/manifests/latest`];
      for (const context of [signedIn, signedOut]) {
        for (const target of [...paths, ...extra]) {
          const response = await context.get(target, { maxRedirects: 0 });
          const policy = expectSecurityHeaders(response, `GET ${target} → ${response.status()}`);
          if (target.startsWith('/v2/')) expect(policy).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
          else if (!target.startsWith('/api/sso/demo-idp/sso')) expect(policy, target).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
        }
      }
      // A server action's POST and a route's 405 carry them too.
      expectSecurityHeaders(await signedOut.post('/api/health', { maxRedirects: 0 }), 'POST /api/health');
    } finally {
      await Promise.all([signedIn.dispose(), signedOut.dispose()]);
    }
  });

  test("a route handler that writes its own document keeps its own CSP", async ({ request }) => {
    // The demo IdP's page sets its own policy: nothing runs, its one style block by nonce, forms to itself.
    const response = await request.get('/api/sso/demo-idp/sso');
    expect(response.status()).toBe(200);
    const policies = response.headersArray().filter((header) => header.name.toLowerCase() === 'content-security-policy');
    expect(policies).toHaveLength(1);
    expect(policies[0]!.value).toMatch(/^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'; form-action 'self'; frame-ancestors 'none'/);
    // Not the page policy: that one lets nonce'd scripts load more (strict-dynamic).
    expect(policies[0]!.value).not.toContain('strict-dynamic');
    expectSecurityHeaders(response, 'demo IdP page');
  });

  for (const [role, pages] of [
    ['admin', ['/admin', '/admin/customers', '/admin/customers/globex', '/admin/customers/globex/tokens', '/admin/licenses', '/admin/stats', '/admin/audit', '/admin/billing', '/admin/sso', '/admin/repositories', '/admin/settings']],
    ['owner', ['/portal/globex', '/portal/globex/install', '/portal/globex/activity', '/portal/globex/usage', '/portal/globex/licenses', '/portal/globex/team', '/portal/globex/audit', '/portal/globex/billing', '/portal/globex/settings']],
  ] as const) {
    test(`Chromium blocks nothing on the ${role}'s main pages`, async ({ browser }) => {
      const context = await browser.newContext({ storageState: storageState(role) });
      const page = await context.newPage();
      const blocked = watchCsp(page);
      const timings: string[] = [];
      for (const target of pages) {
        const started = Date.now();
        const response = await page.goto(target);
        expect(response?.status(), target).toBe(200);
        await page.waitForLoadState('networkidle');
        timings.push(`${target} ${Date.now() - started} ms`);
      }
      test.info().annotations.push({ type: 'page loads', description: timings.join(', ') });
      expect(await blocked()).toEqual([]);
      await context.close();
    });
  }

  test('Chromium blocks nothing while signing in', async ({ page }) => {
    const blocked = watchCsp(page);
    await page.goto('/sign-in/sso');
    await expect(page.getByRole('heading', { name: 'Sign in with SSO' })).toBeVisible();
    await signIn(page, USERS.support);
    expect(await blocked()).toEqual([]);
  });
});

/** Collects what the page's CSP blocked: violation events and the console's reports of them. */
function watchCsp(page: Page): () => Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(`${page.url()}: ${message.text()}`);
  });
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const store = ((window as unknown as { __cspViolations?: string[] }).__cspViolations ??= []);
      store.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return async () => [...seen, ...((await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])) as string[])];
}

test.describe('redirects after sign-in stay on the portal', () => {
  const targets = ['//evil.example', '/\\evil.example', '/\\/evil.example', 'https://evil.example/'];

  test.describe('signed in', () => {
    test.use({ storageState: storageState('admin') });

    for (const page of ['/sign-in', '/sign-in/sso']) {
      for (const target of targets) {
        test(`${page}?callbackUrl=${target}`, async ({ page: browser }) => {
          const offsite = watchOffsite(browser);
          await browser.goto(`${page}?callbackUrl=${encodeURIComponent(target)}`);
          await expect(browser).toHaveURL(/\/admin$/);
          expect(new URL(browser.url()).origin).toBe(origin);
          expect(offsite).toEqual([]);
        });
      }
    }
  });

  for (const target of targets) {
    test(`signing in with callbackUrl=${target}`, async ({ page }) => {
      const offsite = watchOffsite(page);
      await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(target)}`);
      await page.getByLabel('Email').fill(USERS.billing);
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // The code step carries only a safe callbackUrl (none here), and so does its own redirect.
      await expect(page).toHaveURL(/\/sign-in\/mfa$/);
      await enterTotp(page, DEMO_TOTP_SECRET);
      await expect(page).toHaveURL(/\/admin$/);
      expect(new URL(page.url()).origin).toBe(origin);
      expect(offsite).toEqual([]);
    });
  }
});

function watchOffsite(page: Page): string[] {
  const offsite: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).origin !== origin) offsite.push(request.url());
  });
  return offsite;
}

test.describe('behind one trusted proxy, on a database that stalls', () => {
  test.describe.configure({ mode: 'serial', timeout: 240_000 });
  const edge = `http://127.0.0.1:${EDGE_PORT}`;
  const databaseUrl = e2eDatabaseUrl();
  const target = new URL(databaseUrl);
  const relay = new TcpProxy(RELAY_PORT, { host: target.hostname, port: Number(target.port || 5432) });
  const username = `edge-${randomUUID().slice(0, 8)}`;
  const proxied = `203.0.113.${2 + Math.floor(Math.random() * 250)}`;
  let server: ChildProcess | undefined;
  let output = '';

  test.beforeAll(async () => {
    await relay.up();
    server = spawn(process.execPath, ['scripts/run.mjs', 'scripts/server.ts', '--port', String(EDGE_PORT), '--hostname', '127.0.0.1'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      env: {
        ...process.env,
        NODE_ENV: 'production',
        DATABASE_URL: TcpProxy.databaseUrlVia(databaseUrl, RELAY_PORT),
        PUBLIC_URL: edge,
        // The suite's secrets (generated for the demo) and nothing running in the background.
        PORTCULLIS_DEMO: '1',
        ...(process.env.DATABASE_URL ? {} : { PORTCULLIS_DATA_DIR: process.env.E2E_DATA_DIR }),
        SIEM_WORKER: 'false',
        AUDIT_RETENTION_INTERVAL_HOURS: '0',
        BILLING_GRACE_SWEEP: 'false',
        LOG_LEVEL: 'warn',
        TRUST_PROXY: '1',
        DATABASE_QUERY_TIMEOUT_MS: '1500',
        REQUEST_TIMEOUT_MS: '4000',
        // Pull events reach the database only at the clean stop below, proving the setting applies to `npm start`.
        PULL_EVENTS_FLUSH_MS: '3600000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const until = Date.now() + 180_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the second server exited:\n${output}`);
      const up = await send(`${edge}/api/health`).then((answer) => answer.status === 200, () => false);
      if (up) break;
      if (Date.now() > until) throw new Error(`the second server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // A fresh production server loads each page's modules on its first request; on a loaded machine that alone can
    // pass the 4 s deadline. Warm the pages the tests time before timing them.
    for (const page of ['/sign-in', '/admin', '/admin/customers/globex']) {
      while ((await send(`${edge}${page}`).then((answer) => answer.status, () => 503)) === 503) {
        if (Date.now() > until) throw new Error(`${page} did not answer within the deadline:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  });

  test.afterAll(async () => {
    relay.thaw();
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    await relay.down();
  });

  test('the right-most X-Forwarded-For hop is the client, for sign-in and the registry gateway', async () => {
    const userAgent = `http-edge-spec/${randomUUID()}`;
    expect((await passwordSignIn(edge, USERS.viewer, DEMO_PASSWORD, { forwardedFor: `6.6.6.6, ${proxied}`, userAgent })).refused).toBeNull();
    expect(await auditedAddress(userAgent)).toBe(proxied);

    const basic = `Basic ${Buffer.from(`${username}:${generateToken()}`).toString('base64')}`;
    const pull = await send(`${edge}/v2/acme/app/manifests/latest`, { headers: { authorization: basic, 'x-forwarded-for': `6.6.6.6, ${proxied}` } });
    expect(pull.status).toBe(401);
    // PULL_EVENTS_FLUSH_MS holds the event in memory (the default would have written it within a second).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await withDatabase(async (db) => (await db.query('SELECT 1 FROM pull_events WHERE username = $1', [username])).rowCount)).toBe(0);
  });

  test('every request answers within its deadline while the database stalls, and all is well once it answers again', async () => {
    const { cookie } = await passwordSignIn(edge, USERS.admin, DEMO_PASSWORD, { totpSecret: DEMO_TOTP_SECRET });
    const unknownToken = `Basic ${Buffer.from(`globex:${generateToken()}`).toString('base64')}`;
    const requests = () =>
      Promise.all([
        send(`${edge}/admin`, { headers: { cookie } }),
        send(`${edge}/admin/customers/globex`, { headers: { cookie } }),
        send(`${edge}/api/ready`),
        send(`${edge}/api/v1/licenses/jwks`),
        send(`${edge}/v2/`, { headers: { authorization: unknownToken } }),
        send(`${edge}/v2/acme/app/manifests/latest`, { headers: { authorization: unknownToken } }),
      ]);
    const settled = async () => {
      const until = Date.now() + 30_000;
      let statuses: number[] = [];
      while (Date.now() < until) {
        statuses = (await requests()).map((answer) => answer.status);
        if (statuses.join() === '200,200,200,200,401,401') break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return statuses;
    };
    expect(await settled()).toEqual([200, 200, 200, 200, 401, 401]);

    relay.freeze();
    try {
      const stalled = await requests();
      for (const answer of stalled) {
        expect(answer.status, answer.body.slice(0, 200)).toBeGreaterThanOrEqual(500);
        // REQUEST_TIMEOUT_MS plus a loaded machine's slack.
        expect(answer.ms).toBeLessThan(4_000 + 2_000);
        expectHeadersOnRaw(answer);
      }
      expect(JSON.parse(stalled[2]!.body)).toMatchObject({ status: 'not_ready' });
      expect(stalled[2]!.body).not.toMatch(/timeout|terminated|answer within/i);
      for (const registry of stalled.slice(4)) expect(JSON.parse(registry.body)).toEqual({ errors: [{ code: 'UNAVAILABLE', message: 'the registry is temporarily unavailable; try again shortly' }] });
      // More of them than any pool has connections, at once.
      const crowd = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2 ? `${edge}/admin` : `${edge}/v2/`, { headers: i % 2 ? { cookie } : { authorization: unknownToken } })));
      for (const answer of crowd) expect(answer.ms).toBeLessThan(4_000 + 2_000);
    } finally {
      relay.thaw();
    }

    expect(await settled()).toEqual([200, 200, 200, 200, 401, 401]);
  });

  test('a clean stop writes the pull events it held, with the proxied address', async () => {
    server!.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => server!.once('exit', resolve));
    expect(code, output).toBe(0);
    const rows = await withDatabase(async (db) => (await db.query<{ client_ip: string; outcome: string }>('SELECT client_ip, outcome FROM pull_events WHERE username = $1', [username])).rows);
    expect(rows).toEqual([{ client_ip: proxied, outcome: 'unauthorized' }]);
  });
});

function expectHeadersOnRaw(answer: Answer) {
  expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(answer.headers['x-frame-options']).toBe('DENY');
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
}
