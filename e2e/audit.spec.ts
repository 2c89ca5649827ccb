import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { expect, test } from '@playwright/test';
import { storageState } from './fixtures';

const SHOTS = 'test-results/screens';
const RECEIVER_PORT = Number(process.env.E2E_SIEM_PORT ?? 5192);

test.describe('audit log (staff)', () => {
  test.use({ storageState: storageState('admin') });

  test('lists events, filters by action, and exports the filtered set as CSV and JSON', async ({ page }) => {
    await page.goto('/admin/audit');
    await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
    const table = page.getByRole('table', { name: 'Audit events' });
    await expect(table.getByRole('row').nth(1)).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/admin-audit.png`, fullPage: true });

    await page.getByLabel('Action').fill('customer.*');
    await page.getByLabel('Actor').fill('system:seed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/action=customer\.\*/);
    const rows = table.getByRole('row');
    await expect(rows.nth(1)).toContainText('customer.create');
    const count = (await rows.count()) - 1;
    expect(count).toBeGreaterThanOrEqual(3);
    for (let i = 1; i <= count; i++) await expect(rows.nth(i)).toContainText('customer.create');
    await page.screenshot({ path: `${SHOTS}/admin-audit-filtered.png`, fullPage: true });
    await rows.nth(1).getByRole('button', { name: /Details/ }).click();
    const details = page.getByRole('dialog', { name: 'Customer created' });
    await expect(details).toContainText('customer.create');
    await expect(details.getByText('system:seed')).toBeVisible();
    await expect(details.getByText('After')).toBeVisible();
    // Staff see the event as recorded, staff-only fields included.
    await expect(details).toContainText('"manualTier"');
    await page.screenshot({ path: `${SHOTS}/admin-audit-details.png` });
    await page.keyboard.press('Escape');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^audit-all-.*\.csv$/);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('id,occurred_at,actor_type,actor_id,actor_label,action,target_type,target_id,org_id,ip,user_agent,request_id,before,after,metadata,prev_hash,hash');
    expect(lines.length - 1).toBe(count);
    expect(lines.slice(1).every((line) => line.includes(',customer.create,'))).toBe(true);

    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'JSON' }).click()]);
    const events = JSON.parse(fs.readFileSync((await json.path())!, 'utf8')) as { action: string; actorLabel: string }[];
    expect(events).toHaveLength(count);
    expect(events.every((event) => event.action === 'customer.create' && event.actorLabel === 'system:seed')).toBe(true);

    // The export itself is audited.
    await page.goto('/admin/audit?action=audit.export');
    await expect(table.getByRole('row').nth(1)).toContainText('audit.export');
  });

  test('the SIEM overview and dead letters render', async ({ page }) => {
    await page.goto('/admin/audit/siem');
    await expect(page.getByRole('heading', { name: 'Failed deliveries' })).toBeVisible();
  });
});

test.describe('audit log (customer)', () => {
  test.use({ storageState: storageState('owner') });
  let receiver: Server;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  test.beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(RECEIVER_PORT, '127.0.0.1', resolve));
  });
  test.afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  test('an owner sees only their org, and streams new events to their SIEM', async ({ page }) => {
    await page.goto('/portal/globex');
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).first().click();
    await expect(page).toHaveURL(/\/portal\/globex\/audit$/);
    const table = page.getByRole('table', { name: 'Audit events' });
    // Customers read labels, not codes.
    const created = table.getByRole('row').filter({ hasText: 'Customer created' });
    await expect(created).toHaveCount(1);
    await expect(table).not.toContainText('customer.create');
    await expect(table.getByRole('columnheader', { name: 'Customer' })).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/portal-audit.png`, fullPage: true });

    // Globex is on a staff-set (manual) tier: the customer sees the event, not the staff-only field, on the page or in the export.
    await created.getByRole('button', { name: /Details/ }).click();
    const details = page.getByRole('dialog', { name: 'Customer created' });
    await expect(details).toContainText('"slug": "globex"');
    await expect(details).not.toContainText('manualTier');
    await page.keyboard.press('Escape');
    expect(await page.content()).not.toContain('manualTier');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'JSON' }).click()]);
    const exported = fs.readFileSync((await json.path())!, 'utf8');
    expect(exported).toContain('"customer.create"');
    expect(exported).not.toContain('manualTier');

    await page.getByRole('link', { name: 'SIEM streaming' }).click();
    await page.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${RECEIVER_PORT}/hooks/portcullis`);
    await page.getByRole('button', { name: 'Add destination' }).click();
    const dialog = page.getByRole('dialog', { name: 'Copy the signing secret now' });
    await expect(dialog).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/portal-siem-secret.png` });
    await dialog.getByRole('button', { name: 'I have copied it' }).click();
    await expect(page.getByText(`http://127.0.0.1:${RECEIVER_PORT}/hooks/portcullis`).first()).toBeVisible();

    // Pausing is itself an audit event of this org, so it is delivered once resumed.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByText('Paused').first()).toBeVisible();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByText('Streaming').first()).toBeVisible();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const first = received[0]!;
    expect(first.headers['x-portcullis-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(first.headers['idempotency-key']).toBeTruthy();
    const body = JSON.parse(first.body) as { type: string; event: { action: string } };
    expect(body.type).toBe('audit.event');
    expect(body.event.action).toBe('siem.destination.update');
    await page.reload();
    await page.screenshot({ path: `${SHOTS}/portal-siem.png`, fullPage: true });

    // Removed before the receiver closes, so the server is not left retrying a closed port for the rest of the run.
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByText(`http://127.0.0.1:${RECEIVER_PORT}/hooks/portcullis`)).toHaveCount(0);
  });

  test('cannot read another org’s audit log', async ({ page }) => {
    const response = await page.goto('/portal/initech/audit');
    expect(response?.status()).toBe(404);
    const exported = await page.request.get('/portal/initech/audit/export?format=csv');
    expect(exported.status()).toBe(404);
  });
});

test.describe('audit log (viewer)', () => {
  test.use({ storageState: storageState('viewer') });

  test('has no audit log', async ({ page }) => {
    await page.goto('/portal/globex');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Audit log' })).toHaveCount(0);
    expect((await page.goto('/portal/globex/audit'))?.status()).toBe(404);
  });
});

test.describe('operations endpoints', () => {
  test('metrics need the bearer token and count requests by route', async ({ request }) => {
    expect((await request.get('/api/metrics')).status()).toBe(401);
    expect((await request.get('/api/metrics', { headers: { authorization: 'Bearer wrong' } })).status()).toBe(401);
    await request.get('/api/health');
    const metrics = await request.get('/api/metrics', { headers: { authorization: `Bearer ${process.env.E2E_METRICS_TOKEN ?? 'e2e-metrics-token'}` } });
    expect(metrics.status()).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/portcullis_http_requests_total\{route="\/api\/health",method="GET",status="200",service="portcullis"\} \d+/);
    expect(text).toMatch(/portcullis_auth_failures_total\{kind="metrics_token",service="portcullis"\} [1-9]/);
    expect(text).toContain('portcullis_db_pool_connections{state="max"');
  });

  test('readiness reports its checks; responses carry a request id', async ({ request }) => {
    const ready = await request.get('/api/ready');
    expect([200, 503]).toContain(ready.status());
    const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
    expect(body.checks.database).toEqual({ ok: true });
    expect(body.checks.migrations).toEqual({ ok: true });
    expect(body.status).toBe(body.checks.signingKey!.ok ? 'ready' : 'not_ready');
    expect(ready.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await request.get('/api/health', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(echoed.headers()['x-request-id']).toBe('trace-abc.123');
    const unsafe = await request.get('/api/health', { headers: { 'x-request-id': 'bad id\twith tabs' } });
    expect(unsafe.headers()['x-request-id']).not.toContain('bad');
  });
});
