import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '@/lib/identity/auth/actor';
import { recordAudit } from '@/lib/identity/audit/record';
import { updateCustomer } from '@/lib/product/customers/customers';
import { prisma } from '@/lib/platform/db/client';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { sendDueSiemDeliveries } from './delivery';
import { createSiemDestination, listSiemDeliveries, listSiemDestinations, redeliverSiem, updateSiemDestination } from './destinations';
import { verifySignature } from './signature';
import { runSiemDeliveryPass } from './worker';

const PORT = Number(process.env.TEST_SIEM_PORT ?? 5190);
// The collector listens on loopback, which the outbound guard refuses unless told this is a lab.
process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';

interface Received {
  path: string;
  body: string;
  signature: string | undefined;
  idempotencyKey: string | undefined;
  eventId: string | undefined;
  status: number;
}

/** A SIEM collector on loopback whose behaviour each test scripts per path. */
let server: Server;
const received: Received[] = [];
const behaviour = new Map<string, (count: number) => number>();
beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = req.url ?? '/';
      const seen = received.filter((r) => r.path === path).length;
      const status = behaviour.get(path)?.(seen) ?? 200;
      received.push({
        path,
        body,
        status,
        signature: req.headers['x-portcullis-signature'] as string | undefined,
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        eventId: req.headers['x-portcullis-event-id'] as string | undefined,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const fast = { baseBackoffMs: 5, maxBackoffMs: 20 };

async function drain(destinationId: string, options: { maxAttempts?: number } = {}) {
  for (let i = 0; i < 200; i++) {
    await runSiemDeliveryPass({ destinationIds: [destinationId], ...fast, ...options });
    const pending = await prisma.siemDelivery.count({ where: { destinationId, status: 'pending' } });
    if (pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  throw new Error('deliveries still pending');
}

async function events(orgId: string, count: number) {
  const out = [];
  for (let i = 0; i < count; i++) {
    out.push(await recordAudit(prisma, systemActor('test'), { action: 'test.siem', target: { type: 'test', id: String(i) }, orgId, after: { i } }));
  }
  return out;
}

describe('SIEM streaming', () => {
  it('delivers every new event of the org as signed JSON; a receiver that fails then recovers loses nothing', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const other = await createOrg();
    const { actor } = await createMember(org.id, 'admin');
    const path = `/collector/${org.slug}`;
    // The first 7 requests fail (500, 503 ...), then the collector recovers.
    behaviour.set(path, (seen) => (seen < 7 ? (seen % 2 ? 503 : 500) : 200));
    const { destination, secret } = await createSiemDestination(actor, org.slug, { url: `http://127.0.0.1:${PORT}${path}` });
    expect(secret).toMatch(/^siem_[A-Za-z0-9]{40,}$/);
    const stored = await prisma.siemDestination.findUniqueOrThrow({ where: { id: destination.id }, omit: { secretEnc: false } });
    expect(stored.secretEnc).not.toContain(secret);

    const sent = await events(org.id, 12);
    await events(other.id, 3); // another tenant's events never reach this destination
    await drain(destination.id);

    const mine = received.filter((r) => r.path === path);
    const delivered = mine.filter((r) => r.status === 200);
    // Every event arrived, at least once; retries carried the same idempotency key.
    const deliveredIds = new Set(delivered.map((r) => r.eventId));
    expect([...deliveredIds].sort()).toEqual(sent.map((e) => e.id.toString()).sort());
    expect(new Set(delivered.map((r) => r.idempotencyKey)).size).toBe(12);
    for (const failure of mine.filter((r) => r.status !== 200)) {
      expect(delivered.find((r) => r.eventId === failure.eventId)?.idempotencyKey).toBe(failure.idempotencyKey);
    }
    // Signed with the destination's secret, over the exact body.
    for (const request of mine) expect(verifySignature(secret, request.body, request.signature)).toBe(true);
    expect(verifySignature('wrong-secret-wrong-secret', mine[0]!.body, mine[0]!.signature)).toBe(false);
    const body = JSON.parse(delivered[0]!.body) as { id: string; type: string; event: { orgId: string; action: string; hash: string } };
    expect(body).toMatchObject({ type: 'audit.event', event: { orgId: org.id, action: 'test.siem' } });
    expect(body.id).toBe(delivered[0]!.idempotencyKey);

    const deliveries = await prisma.siemDelivery.findMany({ where: { destinationId: destination.id } });
    expect(deliveries).toHaveLength(12);
    expect(deliveries.every((d) => d.status === 'delivered' && d.deliveredAt)).toBe(true);
    expect(deliveries.some((d) => d.attempts > 1)).toBe(true);

    // Running again sends nothing new.
    const before = received.length;
    await runSiemDeliveryPass({ destinationIds: [destination.id], ...fast });
    expect(received.length).toBe(before);
    const listed = await listSiemDestinations(actor, org.slug);
    expect(listed.destinations[0]).toMatchObject({ delivered: 12, pending: 0, dead: 0 });
  });

  it('streams events as customers see them: staff notes and the manual tier never reach the customer\'s SIEM, also from events recorded before', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createMember(org.id, 'owner');
    const path = `/staff-only/${org.slug}`;
    const { destination } = await createSiemDestination(actor, org.slug, { url: `http://127.0.0.1:${PORT}${path}` });
    const staff = await createStaff('staff-admin');
    const note = `staff note ${org.slug}: discount approved by the CFO`;
    const full = await prisma.organization.update({ where: { id: org.id }, data: { notes: note, manualTier: 'enterprise' } });
    // Recorded the way customer.create used to be: the whole row.
    await recordAudit(prisma, staff.actor, { action: 'customer.create', target: { type: 'organization', id: org.id }, orgId: org.id, after: full });
    await updateCustomer(staff.actor, org.id, { notes: `${note} (again)`, productVersion: '9.9.9' });
    await drain(destination.id);
    const bodies = received.filter((r) => r.path === path).map((r) => r.body);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).not.toContain(note);
      expect(body).not.toContain('manualTier');
    }
    const update = bodies.map((body) => (JSON.parse(body) as { event: { action: string; after: unknown } }).event).find((event) => event.action === 'customer.update');
    expect(update?.after).toEqual({ productVersion: '9.9.9' });
    // Staff still see the recorded event whole.
    const stored = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'customer.update' } });
    expect(stored.after).toMatchObject({ notes: `${note} (again)` });
  });

  it('dead-letters after the last attempt, and redelivery sends the same key once the receiver is back', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createMember(org.id, 'owner');
    const path = `/down/${org.slug}`;
    let up = false;
    behaviour.set(path, () => (up ? 204 : 502));
    const { destination, secret } = await createSiemDestination(actor, org.slug, { url: `http://127.0.0.1:${PORT}${path}`, secret: 'a-customer-chosen-secret-1234' });
    expect(secret).toBe('a-customer-chosen-secret-1234');
    const [event] = await events(org.id, 1);
    await drain(destination.id, { maxAttempts: 3 });

    const dead = await listSiemDeliveries(actor, org.slug, { status: 'dead' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ auditEventId: event!.id, attempts: 3, lastError: 'The destination answered HTTP 502.' });
    expect(received.filter((r) => r.path === path)).toHaveLength(3);

    up = true;
    const viewer = await createMember(org.id, 'viewer');
    await expect(redeliverSiem(viewer.actor, org.slug, { deliveryId: dead[0]!.id })).rejects.toThrow(/does not allow/);
    expect(await redeliverSiem(actor, org.slug, { destinationId: destination.id })).toEqual({ requeued: 1 });
    await sendDueSiemDeliveries({ destinationIds: [destination.id], ...fast });
    const attempts = received.filter((r) => r.path === path);
    expect(attempts).toHaveLength(4);
    expect(attempts[3]!.status).toBe(204);
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(await prisma.siemDelivery.findUniqueOrThrow({ where: { id: dead[0]!.id } })).toMatchObject({ status: 'delivered' });
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'siem.redeliver' } })).toBe(1);
  });

  it('pauses a disabled destination and rotates its secret, audited', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createMember(org.id, 'admin');
    const { destination, secret } = await createSiemDestination(actor, org.slug, { url: `http://127.0.0.1:${PORT}/paused` });
    await updateSiemDestination(actor, org.slug, destination.id, { enabled: false });
    await events(org.id, 2);
    await runSiemDeliveryPass({ destinationIds: [destination.id], ...fast });
    expect(received.filter((r) => r.path === '/paused')).toHaveLength(0);
    const rotated = await updateSiemDestination(actor, org.slug, destination.id, { enabled: true, rotateSecret: true });
    expect(rotated.secret).not.toBe(secret);
    await drain(destination.id);
    const requests = received.filter((r) => r.path === '/paused');
    // Paused, not skipped: what happened meanwhile (both updates included) is delivered on resume.
    expect(requests.map((r) => (JSON.parse(r.body) as { event: { action: string } }).event.action).sort()).toEqual([
      'siem.destination.update',
      'siem.destination.update',
      'test.siem',
      'test.siem',
    ]);
    expect(verifySignature(rotated.secret!, requests[0]!.body, requests[0]!.signature)).toBe(true);
    const audit = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: { startsWith: 'siem.' } }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => e.action)).toEqual(['siem.destination.create', 'siem.destination.update', 'siem.destination.update']);
    expect(JSON.stringify(audit.map((e) => [e.before, e.after, e.metadata]))).not.toContain(rotated.secret!);
  });

  it('rejects bad input, foreign tenants, viewers and tiers without streaming, writing nothing', async () => {
    const team = await createOrg({ tier: 'team' });
    const teamAdmin = await createMember(team.id, 'owner');
    await expect(createSiemDestination(teamAdmin.actor, team.slug, { url: 'https://siem.example/x' })).rejects.toThrow(/Audit streaming/);
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createMember(org.id, 'admin');
    const outsider = await createMember((await createOrg()).id, 'owner');
    const viewer = await createMember(org.id, 'viewer');
    await expect(createSiemDestination(actor, org.slug, { url: 'ftp://siem.example/x' })).rejects.toThrow(/http\(s\) URL/);
    await expect(createSiemDestination(actor, org.slug, { url: 'https://user:pw@siem.example/x' })).rejects.toThrow(/credentials/);
    await expect(createSiemDestination(actor, org.slug, { url: 'https://siem.example/x', secret: 'short' })).rejects.toThrow(/24 characters/);
    await expect(createSiemDestination(outsider.actor, org.slug, { url: 'https://siem.example/x' })).rejects.toThrow('Organization not found');
    await expect(createSiemDestination(viewer.actor, org.slug, { url: 'https://siem.example/x' })).rejects.toThrow(/does not allow/);
    const support = await createStaff('staff-billing');
    await expect(createSiemDestination(support.actor, org.slug, { url: 'https://siem.example/x' })).rejects.toThrow(/staff role does not allow/);
    expect(await prisma.siemDestination.count({ where: { orgId: org.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: { startsWith: 'siem.' } } })).toBe(0);
  });

  it('never reaches the vendor\'s own network: private targets are refused when saved and when delivered', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createMember(org.id, 'owner');
    const path = `/internal/${org.slug}`;
    const { destination } = await createSiemDestination(actor, org.slug, { url: `http://127.0.0.1:${PORT}${path}` });
    delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
    try {
      for (const url of ['http://127.0.0.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::7f00:1]/', 'http://[64:ff9b::a9fe:a9fe]/', 'http://198.18.0.1/', 'http://224.0.0.1/', 'http://localhost/']) {
        await expect(createSiemDestination(actor, org.slug, { url }), url).rejects.toThrow(/private or reserved network/);
        await expect(updateSiemDestination(actor, org.slug, destination.id, { url }), url).rejects.toThrow(/private or reserved network/);
      }
      // A destination saved while it was allowed (or whose DNS changed since) is refused at delivery, and nothing is sent.
      await events(org.id, 1);
      await runSiemDeliveryPass({ destinationIds: [destination.id], ...fast, maxAttempts: 1 });
      expect(received.filter((r) => r.path === path)).toHaveLength(0);
      const [dead] = await listSiemDeliveries(actor, org.slug, { status: 'dead' });
      expect(dead?.lastError).toBe('This URL points into a private or reserved network, which Portcullis does not contact.');
    } finally {
      process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
    }
  });
});
