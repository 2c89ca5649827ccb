import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { setCustomerQuotas } from '@/lib/product/features/customer-quotas';
import { mintToken } from '@/lib/product/registry/tokens';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { startGatewayProcess } from '@/dev/testing/gateway-process';
import { startMailSink, type MailSink } from '@/dev/testing/mail-sink';
import type { RunningProcess } from '@/dev/testing/registry-tools';

/**
 * The monthly pull quota through the real gateway process (ports 5160-5133)
 * in front of a small upstream that serves a distinct manifest per tag: the
 * count is kept in PostgreSQL (it survives a restart and a second replica
 * sees it), admins and staff are warned once at the threshold (audited and
 * mailed by the gateway process through a real SMTP listener), and past the
 * limit and its grace a manifest is refused with TOOMANYREQUESTS and a
 * message that skopeo prints in full. Staff raising the limit lets pulls
 * through again at once.
 */
const databaseUrl = process.env.DATABASE_URL!;
const run = promisify(execFile);

function manifestFor(tag: string) {
  return JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 }, layers: [], annotations: { tag } });
}

function upstreamServer() {
  return createServer((req, res) => {
    const match = /^\/v2\/vendor\/app\/manifests\/([^/]+)$/.exec(req.url ?? '');
    if (!match) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"NAME_UNKNOWN","message":"unknown"}]}');
    const body = manifestFor(match[1]!);
    res.writeHead(200, {
      'Content-Type': 'application/vnd.oci.image.manifest.v1+json',
      'Content-Length': Buffer.byteLength(body),
      'Docker-Content-Digest': `sha256:${createHash('sha256').update(body).digest('hex')}`,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

const baseEnv = { PULL_EVENTS_FLUSH_MS: '100', GATEWAY_QUOTA_TTL_MS: '300', PUBLIC_URL: 'https://portal.vendor.test' };

describe('monthly pull quota at the gateway', () => {
  let upstream: Server;
  let a: RunningProcess | undefined;
  let b: RunningProcess | undefined;
  let mail: MailSink;
  let gatewayEnv: Record<string, string>;

  beforeAll(async () => {
    upstream = upstreamServer();
    await new Promise<void>((resolve) => upstream.listen(5160, '127.0.0.1', resolve));
    mail = await startMailSink();
    gatewayEnv = { ...baseEnv, SMTP_URL: mail.url };
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await new Promise((resolve) => upstream.close(resolve));
    await mail.close();
  });

  it('warns once at the threshold, refuses past limit + grace with a readable TOOMANYREQUESTS, survives a restart, and follows staff at once', async () => {
    const billing = await createStaff('staff-billing');
    const admin = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'community' });
    const repo = await prisma.repository.create({ data: { name: `${uniqueSlug('quota')}/app`, upstreamUrl: 'http://127.0.0.1:5160', upstreamRepository: 'vendor/app' } });
    await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repo.id } });
    const minted = await mintToken(admin.actor, { orgId: org.id, name: 'ci', repositoryIds: [repo.id] });
    const auth = `Basic ${Buffer.from(`${org.slug}:${minted.token}`).toString('base64')}`;
    // Staff set this customer's limit (4 pulls), warning at 50% and a 25% grace: refused from the 5th pull on.
    await setCustomerQuotas(billing.actor, { orgId: org.id, pulls_per_month: '4', warningPercent: '50', pullGracePercent: '25', reason: 'quota test' });

    a = await startGatewayProcess({ port: 5161, databaseUrl, env: gatewayEnv });
    const pull = (gateway: RunningProcess, tag: string, method = 'GET') =>
      fetch(`${gateway.url}/v2/${repo.name}/manifests/${tag}`, { method, headers: { authorization: auth, accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const used = async () => (await prisma.pullQuotaUsage.findFirst({ where: { orgId: org.id } }))?.pulls ?? 0;

    for (let i = 1; i <= 5; i++) expect((await pull(a, `v${i}`)).status, `pull ${i}`).toBe(200);
    await expect.poll(used, { timeout: 10_000 }).toBe(5);
    // The gateway reads the row again after its TTL: pull 6 is past 4 + 25%.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const refused = await pull(a, 'v6');
    expect(refused.status).toBe(429);
    const expected = `monthly pull quota of 4 reached for ${org.slug}; upgrade at https://portal.vendor.test/portal/${org.slug}/billing?upgrade=team`;
    expect(await refused.json()).toEqual({ errors: [{ code: 'TOOMANYREQUESTS', message: expected }] });
    expect((await pull(a, 'v6', 'HEAD')).status).toBe(429);

    // A real client prints the message whole.
    const skopeo = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', `${org.slug}:${minted.token}`, `docker://127.0.0.1:5161/${repo.name}:v7`]).then(
      () => ({ stderr: '' }),
      (error: { stderr?: string }) => ({ stderr: error.stderr ?? '' }),
    );
    expect(skopeo.stderr).toContain(`toomanyrequests: ${expected}`);

    // Warned and refused once each this month, audited for the customer.
    await expect.poll(async () => prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.pull_refused' } }), { timeout: 10_000 }).toBe(1);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.pull_warning' } })).toBe(1);
    // Written with the flush that crossed 2 of 4 (pulls arrive in batches, so it may have crossed further).
    const warning = (await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'quota.pull_warning' } }))?.metadata as { used: number; limit: number; threshold: number };
    expect(warning).toMatchObject({ limit: 4, threshold: 0.5 });
    expect(warning.used).toBeGreaterThanOrEqual(2);
    // Mailed by the gateway process: billing staff, and (with no members yet) the customer's contact address.
    const about = (kind: string) => (m: { text: string; subject: string }) => m.text.includes(org.slug) && m.subject.includes(kind);
    await mail.waitFor((m) => m.to.includes(billing.user.email) && about('Pull quota warning')(m));
    await mail.waitFor((m) => m.to.includes(org.contactEmail) && about('has used')(m));
    await mail.waitFor((m) => m.to.includes(org.contactEmail) && about('new pulls are refused')(m));
    expect(mail.messages.filter((m) => m.to.includes(billing.user.email) && m.text.includes(org.slug))).toHaveLength(2);

    // The count is in PostgreSQL: a restarted gateway and a second replica both refuse.
    await a.stop();
    a = undefined;
    b = await startGatewayProcess({ port: 5162, databaseUrl, env: gatewayEnv });
    expect((await pull(b, 'v8')).status).toBe(429);

    // Staff raise the limit: the change channel lets the next pull through without waiting.
    await setCustomerQuotas(billing.actor, { orgId: org.id, pulls_per_month: '100', reason: 'bought more pulls' });
    await expect.poll(async () => (await pull(b!, 'v9')).status, { timeout: 2_000, interval: 50 }).toBe(200);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'quota.update' } })).toBe(2);
  }, 180_000);

  it('only billing staff change limits; bad input is refused and changes nothing', async () => {
    const support = await createStaff('staff-support');
    const billing = await createStaff('staff-billing');
    const org = await createOrg({ tier: 'team' });
    await expect(setCustomerQuotas(support.actor, { orgId: org.id, pulls_per_month: '10', reason: 'support cannot' })).rejects.toMatchObject({ status: 403 });
    await expect(setCustomerQuotas(billing.actor, { orgId: org.id, pulls_per_month: 'lots', reason: 'typo' })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(setCustomerQuotas(billing.actor, { orgId: org.id, warningPercent: '150', reason: 'typo' })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(setCustomerQuotas(billing.actor, { orgId: org.id, seats: '5', reason: '' })).rejects.toMatchObject({ name: 'ZodError' });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).quotaLimits).toBeNull();
    await setCustomerQuotas(billing.actor, { orgId: org.id, seats: 'unlimited', pulls_per_month: '2000', reason: 'contract 12' });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).quotaLimits).toEqual({ seats: null, pulls_per_month: 2000 });
    await setCustomerQuotas(billing.actor, { orgId: org.id, reason: 'back to the tier' });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).quotaLimits).toBeNull();
  });
});
