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
 * What version limits and perpetual fallback cost on the manifest path, side
 * by side in one run through one gateway process and one small upstream:
 * a customer granted every version (the path every customer took before
 * version limits: the check is an object lookup), one limited to a channel
 * (the tag is matched, then one upstream HEAD and one indexed row tell what
 * it points to, so the platform manifests that follow by digest are known),
 * one past its license expiry (the same, plus the date), and a manifest by
 * digest under the channel (one indexed row). Ports 5160-5161.
 */
async function run(ctx: BenchContext) {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 },
    layers: [],
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const upstream = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Content-Length': Buffer.byteLength(body), 'Docker-Content-Digest': digest });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => upstream.listen(5160, '127.0.0.1', resolve));
  const repo = await prisma.repository.create({ data: { name: `${uniqueSlug('vbench')}/app`, upstreamUrl: 'http://127.0.0.1:5160', upstreamRepository: 'bench/app', defaultTag: '2.1.0' } });
  const customer = async (grant: { channel?: string }, licenseExpiresAt: Date | null) => {
    const org = await createOrg({ tier: 'enterprise' });
    await prisma.organization.update({ where: { id: org.id }, data: { licenseExpiresAt } });
    await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repo.id, ...grant } });
    const { token } = await mintToken(systemActor('bench'), { orgId: org.id, name: 'bench', repositoryIds: [repo.id] });
    return `Basic ${Buffer.from(`${org.slug}:${token}`).toString('base64')}`;
  };
  const future = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const auth = {
    all: await customer({}, future),
    channel: await customer({ channel: '2.*' }, future),
    fallback: await customer({}, new Date('2026-06-01T00:00:00Z')),
  };
  const gateway = await startGatewayProcess({ port: 5161, databaseUrl: process.env.DATABASE_URL!, env: { LOG_LEVEL: 'error', NODE_ENV: 'production', GATEWAY_PULL_QUOTA: 'off' } });
  const agents: http.Agent[] = [];
  try {
    const head = (authorization: string, reference: string) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      return () =>
        new Promise<void>((resolve, reject) => {
          const req = http.request(`${gateway.url}/v2/${repo.name}/manifests/${reference}`, { method: 'HEAD', agent, headers: { authorization, accept: OCI_MANIFEST } }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HEAD ${reference}: ${res.statusCode}`))));
          });
          req.on('error', reject);
          req.end();
        });
    };
    ctx.log('manifest HEAD latency through the gateway, one at a time (interleaved rounds):');
    const samples = await measureSideBySide(
      {
        'every version (no limit)': head(auth.all, '2.1.0'),
        'channel 2.*, by tag': head(auth.channel, '2.1.0'),
        'channel 2.*, by digest': head(auth.channel, digest),
        'license expired, by tag': head(auth.fallback, '2.1.0'),
      },
      { rounds: 10, perRound: 150, warmup: 150 },
    );
    for (const sample of Object.values(samples)) ctx.log(`  ${formatSample(sample)}`);
    const base = samples['every version (no limit)']!.medianMs;
    for (const [name, sample] of Object.entries(samples)) {
      ctx.figure(`manifest HEAD median, ${name}`, sample.medianMs, 'ms');
      if (sample.medianMs !== base) ctx.log(`  ${name} / every version: ${(sample.medianMs / base).toFixed(3)}x (+${(sample.medianMs - base).toFixed(3)} ms)`);
    }
    ctx.figure('manifest HEAD median ratio channel-by-tag / no limit', samples['channel 2.*, by tag']!.medianMs / base, 'x');
    ctx.figure('manifest HEAD median ratio channel-by-digest / no limit', samples['channel 2.*, by digest']!.medianMs / base, 'x');
  } finally {
    for (const agent of agents) agent.destroy();
    await gateway.stop();
    await new Promise((resolve) => upstream.close(resolve));
  }
}

export const gatewayVersionsSuite: Suite = { name: 'gateway-versions', run };
