import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { generateToken } from '@/lib/product/registry/token-format';
import { mintToken } from '@/lib/product/registry/tokens';
import { sealUpstreamSecret } from '@/lib/product/registry/upstream-credential';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { startGatewayProcess } from '@/dev/testing/gateway-process';
import type { RunningProcess } from '@/dev/testing/registry-tools';

/**
 * "The credential is encrypted at rest and never logged": a gateway process
 * at debug level goes through every path that logs (good pull, unknown token,
 * upstream refusing the gateway's credential, upstream down) and its whole
 * output is searched for the upstream secret and the customer's token, raw
 * and inside Basic headers. Ports 5120-5122.
 */
const UPSTREAM_SECRET = 'upstream-S3cret-value-42';

describe('gateway logs', () => {
  let upstream: Server;
  let gateway: RunningProcess;

  beforeAll(async () => {
    // An upstream that accepts only vendor:<UPSTREAM_SECRET>; the "refusing" repository is given another secret.
    upstream = createServer((req, res) => {
      const ok = req.headers.authorization === `Basic ${Buffer.from(`vendor:${UPSTREAM_SECRET}`).toString('base64')}`;
      if (!ok) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="upstream"', 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Docker-Content-Digest': 'sha256:00', 'Content-Length': 2 }).end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen(5120, '127.0.0.1', resolve));
    gateway = await startGatewayProcess({ port: 5121, databaseUrl: process.env.DATABASE_URL!, env: { LOG_LEVEL: 'debug' } });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  });

  it('never writes the upstream credential or a customer token, on any path', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg();
    const repository = async (suffix: string, url: string, secret: string) => {
      const repo = await prisma.repository.create({ data: { name: `${uniqueSlug('logs')}/${suffix}`, upstreamUrl: url, upstreamRepository: 'vendor/app', upstreamUsername: 'vendor' } });
      await prisma.repository.update({ where: { id: repo.id }, data: { upstreamSecretEnc: sealUpstreamSecret(repo.id, secret) } });
      await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repo.id } });
      return repo;
    };
    const good = await repository('good', 'http://127.0.0.1:5120', UPSTREAM_SECRET);
    const refused = await repository('refused', 'http://127.0.0.1:5120', `${UPSTREAM_SECRET}-wrong`);
    const down = await repository('down', 'http://127.0.0.1:5122', UPSTREAM_SECRET);
    const { token } = await mintToken(actor, { orgId: org.id, name: 'logs', repositoryIds: [good.id, refused.id, down.id] });
    const unknownToken = generateToken();
    const basic = (password: string) => `Basic ${Buffer.from(`${org.slug}:${password}`).toString('base64')}`;
    const get = (name: string, password = token) => fetch(`${gateway.url}/v2/${name}/manifests/v1`, { headers: { authorization: basic(password) } });

    expect((await get(good.name)).status).toBe(200);
    expect((await get(good.name, unknownToken)).status).toBe(401);
    expect((await get(refused.name)).status).toBe(502);
    expect((await get(down.name)).status).toBe(502);
    await gateway.stop(); // flushes pull events and the logs that go with them

    const output = gateway.output();
    // The process did log these paths (so the search below searched something).
    expect(output).toContain('upstream rejected the gateway credential');
    expect(output).toContain('upstream request failed');
    for (const secret of [
      UPSTREAM_SECRET,
      Buffer.from(`vendor:${UPSTREAM_SECRET}`).toString('base64'),
      token,
      unknownToken,
      basic(token).slice('Basic '.length),
      basic(unknownToken).slice('Basic '.length),
    ]) {
      expect(output).not.toContain(secret);
    }
  }, 60_000);
});
