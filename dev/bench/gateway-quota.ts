import { createHash } from 'node:crypto';
import http from 'node:http';
import { systemActor } from '@/lib/identity/auth/actor';
import { formatSample, measureSideBySide, type BenchContext, type Suite } from '@/dev/bench/harness';
import { prisma } from '@/lib/platform/db/client';
import { mintToken } from '@/lib/product/registry/tokens';
import { createOrg, uniqueSlug } from '@/dev/testing/factories';
import { startGatewayProcess } from '@/dev/testing/gateway-process';
import { OCI_MANIFEST } from '@/dev/testing/oci-fixtures';

/**
 * The manifest path with and without the monthly pull quota check, side by
 * side in one run: two gateway processes on the same database and the same
 * small upstream, one started with GATEWAY_PULL_QUOTA=off (the path before
 * the check existed). The customer is on Community (500 pulls, far from
 * the limit: the check runs and lets every request through). Ports 5150-5152.
 */
async function run(ctx: BenchContext) {
  const body = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 }, layers: [] });
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const upstream = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Content-Length': Buffer.byteLength(body), 'Docker-Content-Digest': digest });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => upstream.listen(5150, '127.0.0.1', resolve));
  const org = await createOrg({ tier: 'community' });
  const repo = await prisma.repository.create({ data: { name: `${uniqueSlug('qbench')}/app`, upstreamUrl: 'http://127.0.0.1:5150', upstreamRepository: 'bench/app' } });
  await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repo.id } });
  const { token } = await mintToken(systemActor('bench'), { orgId: org.id, name: 'bench', repositoryIds: [repo.id] });
  const env = { LOG_LEVEL: 'error', NODE_ENV: 'production' };
  const [without, withQuota] = await Promise.all([
    startGatewayProcess({ port: 5151, databaseUrl: process.env.DATABASE_URL!, env: { ...env, GATEWAY_PULL_QUOTA: 'off' } }),
    startGatewayProcess({ port: 5152, databaseUrl: process.env.DATABASE_URL!, env }),
  ]);
  try {
    const auth = `Basic ${Buffer.from(`${org.slug}:${token}`).toString('base64')}`;
    const head = (base: string, agent: http.Agent) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(`${base}/v2/${repo.name}/manifests/v1`, { method: 'HEAD', agent, headers: { authorization: auth, accept: OCI_MANIFEST } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HEAD ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
    const agents = { without: new http.Agent({ keepAlive: true, maxSockets: 1 }), with: new http.Agent({ keepAlive: true, maxSockets: 1 }) };
    ctx.log('manifest HEAD latency through the gateway, one at a time (interleaved rounds):');
    const samples = await measureSideBySide(
      {
        'manifest HEAD without quota check': () => head(without.url, agents.without),
        'manifest HEAD with quota check': () => head(withQuota.url, agents.with),
      },
      { rounds: 10, perRound: 200, warmup: 200 },
    );
    for (const sample of Object.values(samples)) ctx.log(`  ${formatSample(sample)}`);
    const before = samples['manifest HEAD without quota check']!.medianMs;
    const after = samples['manifest HEAD with quota check']!.medianMs;
    ctx.log(`median with/without: ${(after / before).toFixed(3)}x (${(after - before).toFixed(3)} ms)`);
    ctx.figure('manifest HEAD median without quota check', before, 'ms');
    ctx.figure('manifest HEAD median with quota check', after, 'ms');
    ctx.figure('manifest HEAD median ratio with/without quota', after / before, 'x');
    for (const agent of Object.values(agents)) agent.destroy();
  } finally {
    await Promise.all([without.stop(), withQuota.stop()]);
    await new Promise((resolve) => upstream.close(resolve));
  }
}

export const gatewayQuotaSuite: Suite = { name: 'gateway-quota', run };
