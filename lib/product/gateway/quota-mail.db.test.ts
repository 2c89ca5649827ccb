import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { createSqlPool } from '@/lib/platform/db/sql';
import { setCustomerQuotas } from '@/lib/product/features/customer-quotas';
import { log } from '@/lib/platform/log';
import { setMailTransport } from '@/lib/platform/mail/send';
import { smtpTransport } from '@/lib/platform/mail/smtp';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { startMailSink, type MailSink, type ReceivedMail } from '@/dev/testing/mail-sink';
import { PullEventWriter, QUOTA_REFUSAL_REASON } from './pull-log';
import { PullQuotaGate } from './quota';

/**
 * The month's pull-quota warning and first refusal are mailed to the
 * customer's billing people and to billing staff, once, after the flush that
 * claimed them commits: through a real SMTP listener, with writers in
 * process as two replicas would run them (each its own pool and quota gate).
 */
const databaseUrl = process.env.DATABASE_URL!;
const PUBLIC_URL = 'https://portal.vendor.test';
const MARKER = 'STAFF-ONLY-NOTE-7f3a';

function replica(deadlineMs = 10_000) {
  const db = createSqlPool(databaseUrl, 3);
  const quota = new PullQuotaGate(db, { ttlMs: 60_000 });
  const writer = new PullEventWriter(db, { flushIntervalMs: 3_600_000, quotaMailDeadlineMs: deadlineMs });
  writer.quota = quota;
  return { quota, writer, close: async () => (await writer.close(), await db.end()) };
}

let pullNumber = 0;
function pull(writer: PullEventWriter, orgId: string) {
  const n = ++pullNumber;
  writer.record({ orgId, tokenId: `tok-${orgId}`, repository: 'vendor/app', reference: `v${n}`, method: 'GET', outcome: 'success', digest: `sha256:${n.toString(16).padStart(64, '0')}` });
}

function refuse(writer: PullEventWriter, orgId: string) {
  writer.record({ orgId, tokenId: `tok-${orgId}`, repository: 'vendor/app', reference: 'v99', method: 'GET', outcome: 'denied', reason: QUOTA_REFUSAL_REASON });
}

/** A customer on 4 pulls a month, warned at 50% (2), refused from 5: an owner, an admin, a custom billing role, and people who get nothing. */
async function seed() {
  const billing = await createStaff('staff-billing');
  const staffAdmin = await createStaff('staff-admin');
  const support = await createStaff('staff-support');
  const retiredBilling = await createStaff('staff-billing');
  await prisma.user.update({ where: { id: retiredBilling.user.id }, data: { disabledAt: new Date() } });
  const org = await createOrg({ tier: 'community', name: `Acme <Corp> & ${uniqueSlug('co')}` });
  await prisma.organization.update({ where: { id: org.id }, data: { notes: MARKER } });
  const owner = await createMember(org.id, 'owner');
  const admin = await createMember(org.id, 'admin');
  const editor = await createMember(org.id, 'editor');
  const viewer = await createMember(org.id, 'viewer');
  const role = await prisma.role.create({ data: { orgId: org.id, name: 'Finance', permissions: ['org.view', 'billing.view'] } });
  const finance = await createMember(org.id, 'custom', role.id);
  const leaver = await createMember(org.id, 'owner');
  await prisma.user.update({ where: { id: leaver.user.id }, data: { disabledAt: new Date() } });
  await setCustomerQuotas(billing.actor, { orgId: org.id, pulls_per_month: '4', warningPercent: '50', pullGracePercent: '25', reason: 'quota mail test' });
  return {
    org,
    customers: [owner, admin, finance].map((m) => m.user.email).sort(),
    staff: [billing, staffAdmin].map((s) => s.user.email).sort(),
    nobody: [editor, viewer, leaver, support, retiredBilling].map((p) => p.user.email),
  };
}

/** The mail about this customer, by recipient. */
function byRecipient(sink: MailSink, slug: string): Map<string, ReceivedMail[]> {
  const out = new Map<string, ReceivedMail[]>();
  for (const mail of sink.messages.filter((m) => m.text.includes(slug))) for (const to of mail.to) out.set(to, [...(out.get(to) ?? []), mail]);
  return out;
}

function expectOneEach(sink: MailSink, seeded: Awaited<ReturnType<typeof seed>>) {
  const got = byRecipient(sink, seeded.org.slug);
  for (const email of [...seeded.customers, ...seeded.staff]) expect(got.get(email), email).toHaveLength(1);
  for (const email of seeded.nobody) expect(got.get(email), email).toBeUndefined();
  // Nobody else from this customer; other staff in the shared database may be billing staff too.
  const customerMail = [...got.entries()].filter(([, mails]) => !mails[0]!.text.includes('/admin/customers/'));
  expect(customerMail.map(([to]) => to).sort()).toEqual(seeded.customers);
  return got;
}

describe('pull quota mail', () => {
  let running: MailSink | undefined;
  const previousUrl = process.env.PUBLIC_URL;

  beforeAll(() => {
    process.env.PUBLIC_URL = PUBLIC_URL;
  });
  afterAll(() => {
    if (previousUrl === undefined) delete process.env.PUBLIC_URL;
    else process.env.PUBLIC_URL = previousUrl;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    setMailTransport(undefined);
    await running?.close();
    running = undefined;
  });

  async function listen() {
    running = await startMailSink();
    setMailTransport(smtpTransport(running.url, { timeoutMs: 5_000 }));
    return running;
  }

  it('crossing the threshold mails each admin and billing staff once; the next flush past it mails no one', async () => {
    const sink = await listen();
    const seeded = await seed();
    const { org } = seeded;
    const a = replica();
    try {
      await a.quota.check(org.id);
      pull(a.writer, org.id);
      await a.writer.flush();
      await a.writer.mailSettled();
      expect(byRecipient(sink, org.slug).size, 'below the threshold').toBe(0);

      pull(a.writer, org.id);
      await a.writer.flush();
      await a.writer.mailSettled();
      const got = expectOneEach(sink, seeded);

      const customer = got.get(seeded.customers[0]!)![0]!;
      expect(customer.subject).toBe(`${org.name} has used 2 of 4 image pulls this month`);
      expect(customer.text).toContain(`${org.name} has used 2 of its 4 image pulls for`);
      expect(customer.text).toContain('Past 5 pulls (the limit plus a grace of 1), the registry refuses new image pulls');
      expect(customer.text).toContain(`toomanyrequests: monthly pull quota of 4 reached for ${org.slug}; upgrade at ${PUBLIC_URL}/portal/${org.slug}/billing?upgrade=team`);
      expect(customer.raw).not.toContain('/admin/');
      expect(customer.raw).not.toContain(MARKER);
      const staff = got.get(seeded.staff[0]!)![0]!;
      expect(staff.subject).toBe(`Pull quota warning: ${org.name} (${org.slug})`);
      expect(staff.text).toContain(`${PUBLIC_URL}/admin/customers/${org.slug}`);
      expect(staff.raw).not.toContain(MARKER);

      // Past the threshold again (and past the limit): no second warning this month.
      const before = sink.messages.length;
      pull(a.writer, org.id);
      pull(a.writer, org.id);
      await a.writer.flush();
      await a.writer.mailSettled();
      expect(sink.messages.length).toBe(before);
      expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.pull_warning' } })).toBe(1);
    } finally {
      await a.close();
    }
  });

  it('two replicas crossing the threshold at once send one set', async () => {
    const sink = await listen();
    const seeded = await seed();
    const { org } = seeded;
    const [a, b] = [replica(), replica()];
    try {
      await Promise.all([a.quota.check(org.id), b.quota.check(org.id)]);
      // Each replica alone reaches the threshold, so both try to claim the warning.
      for (const r of [a, b]) {
        pull(r.writer, org.id);
        pull(r.writer, org.id);
      }
      await Promise.all([a.writer.flush(), b.writer.flush()]);
      await Promise.all([a.writer.mailSettled(), b.writer.mailSettled()]);
      expectOneEach(sink, seeded);
      expect((await prisma.pullQuotaUsage.findFirstOrThrow({ where: { orgId: org.id } })).pulls).toBe(4);
      expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.pull_warning' } })).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('the first refusal of the month is mailed once, with the text the gateway prints', async () => {
    const sink = await listen();
    const seeded = await seed();
    const { org } = seeded;
    const [a, b] = [replica(), replica()];
    try {
      await prisma.pullQuotaUsage.create({ data: { orgId: org.id, month: new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)), pulls: 5, warnedAt: new Date() } });
      refuse(a.writer, org.id);
      refuse(b.writer, org.id);
      await Promise.all([a.writer.flush(), b.writer.flush()]);
      refuse(a.writer, org.id);
      await a.writer.flush();
      await Promise.all([a.writer.mailSettled(), b.writer.mailSettled()]);
      const got = expectOneEach(sink, seeded);
      const customer = got.get(seeded.customers[0]!)![0]!;
      expect(customer.subject).toBe(`${org.name} reached its monthly pull quota: new pulls are refused`);
      expect(customer.text).toContain('the registry now refuses new image pulls');
      expect(customer.text).toContain(`toomanyrequests: monthly pull quota of 4 reached for ${org.slug}; upgrade at ${PUBLIC_URL}/portal/${org.slug}/billing?upgrade=team`);
      expect(got.get(seeded.staff[0]!)![0]!.subject).toBe(`Pulls refused: ${org.name} (${org.slug}) reached its quota`);
      expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.pull_refused' } })).toBe(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a refusing or silent SMTP server loses no events or audit and is logged without addresses', async () => {
    const seeded = await seed();
    const { org } = seeded;
    const errors = vi.spyOn(log, 'error');
    const calls = () => errors.mock.calls as unknown as [Record<string, unknown>, string][];
    const logged = () => JSON.stringify(calls());

    // Nothing listens there: every send fails.
    setMailTransport(smtpTransport('smtp://127.0.0.1:1', { timeoutMs: 2_000 }));
    const a = replica();
    try {
      await a.quota.check(org.id);
      pull(a.writer, org.id);
      pull(a.writer, org.id);
      await a.writer.flush();
      expect(a.writer.pending).toBe(0);
      expect(await prisma.pullEvent.count({ where: { orgId: org.id } })).toBe(2);
      expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.pull_warning' } })).toBe(1);
      await a.writer.mailSettled();
      expect(calls().some(([fields, message]) => message === 'quota mail not sent to every recipient' && Number(fields.failed) >= 5)).toBe(true);
    } finally {
      await a.close();
    }

    // A server that accepts and never answers: the deadline ends the wait.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    setMailTransport(smtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`, { timeoutMs: 30_000 }));
    const b = replica(500);
    try {
      refuse(b.writer, org.id);
      const started = Date.now();
      await b.writer.flush();
      expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.pull_refused' } })).toBe(1);
      await b.writer.mailSettled();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(calls().some(([, message]) => message === 'quota mail not sent within its deadline')).toBe(true);
    } finally {
      await b.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    expect(await prisma.pullEvent.count({ where: { orgId: org.id } })).toBe(3);
    for (const email of [...seeded.customers, ...seeded.staff]) expect(logged()).not.toContain(email);
  });

  it('shutdown waits for quota mail no longer than its own deadline', async () => {
    const billing = await createStaff('staff-billing');
    const org = await createOrg({ tier: 'community' });
    await setCustomerQuotas(billing.actor, { orgId: org.id, pulls_per_month: '4', reason: 'quota mail test' });
    const errors = vi.spyOn(log, 'error');
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    setMailTransport(smtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`, { timeoutMs: 60_000 }));
    const a = replica(60_000);
    try {
      refuse(a.writer, org.id);
      const started = Date.now();
      await a.writer.close(1_000);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(await prisma.pullEvent.count({ where: { orgId: org.id } })).toBe(1);
      expect((errors.mock.calls as unknown as [unknown, string][]).some(([, message]) => message === 'quota mail abandoned at shutdown')).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
