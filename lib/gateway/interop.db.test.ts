import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db/client';
import { sealUpstreamSecret } from '@/lib/registry/upstream-credential';
import { mintToken, revokeToken } from '@/lib/registry/tokens';
import { getPullStats } from '@/lib/stats/pull-stats';
import { createOrg, createStaff, uniqueSlug } from '@/lib/testing/factories';
import { ALL_MANIFEST_TYPES, buildFixtureImages, DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, type FixtureImages } from '@/lib/testing/oci-fixtures';
import { ensureRegistryTools, startDistribution, tempDir, type RunningProcess } from '@/lib/testing/registry-tools';
import { startTokenServer, type TokenServer } from '@/lib/testing/token-server';
import { startGatewayServer } from './serve';

/**
 * Real clients against the gateway: CNCF distribution upstreams (htpasswd,
 * Docker token auth, and none) holding fixture images (OCI manifest, OCI
 * multi-arch index, Docker v2s2), pulled through the gateway by skopeo and
 * podman. Ports 5100-5109.
 */
const exec = promisify(execFile);
const tools = ensureRegistryTools(['docker-registry', 'skopeo', 'podman', 'htpasswd']);
const title = tools.ok ? 'registry interop (skopeo, podman, distribution)' : `registry interop — skipped: ${tools.reason}`;

const UPSTREAM_USER = 'gateway';
const UPSTREAM_PASSWORD = 'upstream-secret-password';

describe.skipIf(!tools.ok)(title, () => {
  let basicRegistry: RunningProcess;
  let tokenRegistry: RunningProcess;
  let openRegistry: RunningProcess;
  let tokenServer: TokenServer;
  let gateway: Awaited<ReturnType<typeof startGatewayServer>>;
  let fixtures: FixtureImages;
  let dockerDigest: string;
  const prefix = uniqueSlug('interop');
  const names = { app: `${prefix}/app`, bearer: `${prefix}/bearer`, open: `${prefix}/open`, other: `${prefix}/other` };
  let customer: { id: string; slug: string };
  let token: string;
  let tokenId: string;
  let gw: string;
  let podmanRoot: string;

  async function push(registry: string, creds: string | null, source: string, target: string, extra: string[] = []) {
    await exec('skopeo', ['copy', '--quiet', ...extra, ...(creds ? ['--dest-creds', creds] : []), '--dest-tls-verify=false', `oci:${fixtures.dir}:${source}`, `docker://${registry}/${target}`]);
  }

  function skopeo(args: string[]) {
    return exec('skopeo', [...args, '--tls-verify=false'], { timeout: 60_000 });
  }

  async function rawManifest(ref: string, creds = `${customer.slug}:${token}`) {
    const { stdout } = await skopeo(['inspect', '--raw', '--creds', creds, `docker://${gw}/${ref}`]);
    return stdout;
  }

  function head(pathname: string, auth = `${customer.slug}:${token}`, accept = ALL_MANIFEST_TYPES) {
    return fetch(`http://${gw}${pathname}`, { method: 'HEAD', headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, accept } });
  }

  beforeAll(async () => {
    fixtures = buildFixtureImages(tempDir('fixtures'), prefix);
    const tokenDir = tempDir('token-registry');
    tokenServer = await startTokenServer({ port: 5104, dir: tokenDir, user: UPSTREAM_USER, password: UPSTREAM_PASSWORD });
    [basicRegistry, tokenRegistry, openRegistry] = await Promise.all([
      startDistribution({ port: 5101, auth: { user: UPSTREAM_USER, password: UPSTREAM_PASSWORD } }),
      startDistribution({ port: 5102, tokenAuth: tokenServer, dir: tokenDir }),
      startDistribution({ port: 5103 }),
    ]);
    const creds = `${UPSTREAM_USER}:${UPSTREAM_PASSWORD}`;
    await Promise.all([
      push('127.0.0.1:5101', creds, 'v1', 'vendor/app:v1'),
      push('127.0.0.1:5101', creds, 'v1', 'vendor/app:v1-docker', ['--format', 'v2s2']),
      push('127.0.0.1:5101', creds, 'multi', 'vendor/app:multi', ['--all']),
      push('127.0.0.1:5101', creds, 'v1', 'vendor/other:v1'),
      push('127.0.0.1:5102', creds, 'v1', 'vendor/bearer:v1'),
      push('127.0.0.1:5103', null, 'v1', 'vendor/open:v1'),
    ]);
    const { stdout } = await exec('skopeo', ['inspect', '--format', '{{.Digest}}', '--creds', creds, '--tls-verify=false', 'docker://127.0.0.1:5101/vendor/app:v1-docker']);
    dockerDigest = stdout.trim();

    const repo = async (name: string, upstreamUrl: string, upstreamRepository: string, secured: boolean) => {
      const created = await prisma.repository.create({ data: { name, upstreamUrl, upstreamRepository, upstreamUsername: secured ? UPSTREAM_USER : null } });
      if (secured) await prisma.repository.update({ where: { id: created.id }, data: { upstreamSecretEnc: sealUpstreamSecret(created.id, UPSTREAM_PASSWORD) } });
      return created;
    };
    const app = await repo(names.app, basicRegistry.url, 'vendor/app', true);
    const bearer = await repo(names.bearer, 'http://127.0.0.1:5102', 'vendor/bearer', true);
    const open = await repo(names.open, openRegistry.url, 'vendor/open', false);
    const other = await repo(names.other, basicRegistry.url, 'vendor/other', true);
    const org = await createOrg();
    const rival = await createOrg();
    customer = org;
    await prisma.entitlement.createMany({
      data: [
        { orgId: org.id, repositoryId: app.id },
        { orgId: org.id, repositoryId: bearer.id },
        { orgId: org.id, repositoryId: open.id },
        { orgId: rival.id, repositoryId: other.id },
      ],
    });
    const { actor } = await createStaff('staff-admin');
    const minted = await mintToken(actor, { orgId: org.id, name: 'interop', repositoryIds: [app.id, bearer.id, open.id] });
    token = minted.token;
    tokenId = minted.record.id;

    gateway = await startGatewayServer({ port: 5105, limits: { perIp: 1000, perUser: 1000, windowSeconds: 60 } });
    gw = `127.0.0.1:${gateway.port}`;
    podmanRoot = tempDir('podman');
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([basicRegistry?.stop(), tokenRegistry?.stop(), openRegistry?.stop(), tokenServer?.stop()]);
    if (podmanRoot) fs.rmSync(podmanRoot, { recursive: true, force: true });
  });

  it('answers the /v2/ handshake with a Basic challenge, and 200 with a good token', async () => {
    const anonymous = await fetch(`http://${gw}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
    expect(await anonymous.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    const ok = await fetch(`http://${gw}/v2/`, { headers: { authorization: `Basic ${Buffer.from(`${customer.slug}:${token}`).toString('base64')}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('serves an OCI manifest by tag and by digest through skopeo (Basic upstream)', async () => {
    const manifest = JSON.parse(await rawManifest(`${names.app}:v1`)) as { mediaType: string };
    expect(manifest.mediaType).toBe(OCI_MANIFEST);
    const out = tempDir('skopeo-out');
    await skopeo(['copy', '--quiet', '--src-creds', `${customer.slug}:${token}`, `docker://${gw}/${names.app}:v1`, `oci:${out}:v1`]);
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests[0]!.digest).toBe(fixtures.single.digest);
    await skopeo(['copy', '--quiet', '--src-creds', `${customer.slug}:${token}`, `docker://${gw}/${names.app}@${fixtures.single.digest}`, `oci:${out}:bydigest`]);
    const layers = fs.readdirSync(path.join(out, 'blobs', 'sha256'));
    expect(layers.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps Docker v2s2 manifests and OCI indexes as they are (Accept forwarded verbatim)', async () => {
    const docker = JSON.parse(await rawManifest(`${names.app}:v1-docker`)) as { mediaType: string };
    expect(docker.mediaType).toBe(DOCKER_MANIFEST);
    const dockerHead = await head(`/v2/${names.app}/manifests/v1-docker`);
    expect(dockerHead.headers.get('docker-content-digest')).toBe(dockerDigest);

    const index = JSON.parse(await rawManifest(`${names.app}:multi`)) as { mediaType: string; manifests: unknown[] };
    expect(index.mediaType).toBe(OCI_INDEX);
    expect(index.manifests).toHaveLength(2);
    const indexHead = await head(`/v2/${names.app}/manifests/multi`);
    expect(indexHead.status).toBe(200);
    expect(indexHead.headers.get('docker-content-digest')).toBe(fixtures.multi.digest);
    expect(indexHead.headers.get('content-length')).toBe(String(fixtures.multi.size));
    expect(indexHead.headers.get('content-type')).toBe(OCI_INDEX);
  });

  it('pulls with podman by tag (multi-arch index) and by digest', async () => {
    const base = ['--root', path.join(podmanRoot, 'root'), '--runroot', path.join(podmanRoot, 'run'), '--storage-driver', 'vfs', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs'];
    const creds = ['--tls-verify=false', '--creds', `${customer.slug}:${token}`];
    const byTag = await exec('podman', [...base, 'pull', ...creds, `${gw}/${names.app}:multi`], { timeout: 120_000 });
    expect(byTag.stdout.trim()).toMatch(/^[0-9a-f]{64}$/m);
    const byDigest = await exec('podman', [...base, 'pull', ...creds, `${gw}/${names.app}@${fixtures.single.digest}`], { timeout: 120_000 });
    expect(byDigest.stdout.trim()).toMatch(/^[0-9a-f]{64}$/m);
  }, 240_000);

  it('pulls through a Bearer-token upstream, fetching one token per scope', async () => {
    const before = tokenServer.fetches.length;
    const manifest = JSON.parse(await rawManifest(`${names.bearer}:v1`)) as { mediaType: string };
    expect(manifest.mediaType).toBe(OCI_MANIFEST);
    const out = tempDir('bearer-out');
    await skopeo(['copy', '--quiet', '--src-creds', `${customer.slug}:${token}`, `docker://${gw}/${names.bearer}:v1`, `oci:${out}:v1`]);
    await rawManifest(`${names.bearer}:v1`);
    const fetched = tokenServer.fetches.slice(before);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toEqual({ scope: 'repository:vendor/bearer:pull', user: UPSTREAM_USER });
  });

  it('pulls from an upstream without authentication', async () => {
    const manifest = JSON.parse(await rawManifest(`${names.open}:v1`)) as { mediaType: string };
    expect(manifest.mediaType).toBe(OCI_MANIFEST);
  });

  it('lists tags only for repositories in scope, under the gateway name', async () => {
    const { stdout } = await skopeo(['list-tags', '--creds', `${customer.slug}:${token}`, `docker://${gw}/${names.app}`]);
    expect(JSON.parse(stdout)).toMatchObject({ Repository: `${gw}/${names.app}`, Tags: expect.arrayContaining(['v1', 'v1-docker', 'multi']) });
    const other = await fetch(`http://${gw}/v2/${names.other}/tags/list`, { headers: { authorization: `Basic ${Buffer.from(`${customer.slug}:${token}`).toString('base64')}` } });
    expect(other.status).toBe(403);
  });

  it('refuses a wrong token as unauthorized and another repository as denied', async () => {
    const wrong = await skopeo(['inspect', '--raw', '--creds', `${customer.slug}:pcr_notarealtoken`, `docker://${gw}/${names.app}:v1`]).then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    );
    expect(wrong).toMatch(/unauthorized|authentication required/i);
    const denied = await skopeo(['inspect', '--raw', '--creds', `${customer.slug}:${token}`, `docker://${gw}/${names.other}:v1`]).then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    );
    expect(denied).toMatch(/denied/);
    const response = await fetch(`http://${gw}/v2/${names.other}/manifests/v1`, { headers: { authorization: `Basic ${Buffer.from(`${customer.slug}:${token}`).toString('base64')}` } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] });
  });

  it('refuses pushes as unsupported', async () => {
    const pushed = await exec('skopeo', ['copy', '--quiet', '--dest-creds', `${customer.slug}:${token}`, '--dest-tls-verify=false', `oci:${fixtures.dir}:v1`, `docker://${gw}/${names.app}:pushed`]).then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    );
    expect(pushed).toMatch(/pull-only|unsupported|denied/i);
    const put = await fetch(`http://${gw}/v2/${names.app}/manifests/pushed`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`${customer.slug}:${token}`).toString('base64')}`, 'content-type': OCI_MANIFEST },
      body: '{}',
    });
    expect(put.status).toBe(405);
    expect(await put.json()).toMatchObject({ errors: [{ code: 'UNSUPPORTED' }] });
  });

  it('stops an expired token at its expiry, even while cached', async () => {
    const { actor } = await createStaff('staff-admin');
    const repos = await prisma.repository.findMany({ where: { name: names.app }, select: { id: true } });
    const minted = await mintToken(actor, { orgId: customer.id, name: 'short-lived', repositoryIds: repos.map((r) => r.id) });
    const expiresAt = new Date(Date.now() + 2_500);
    await prisma.registryToken.update({ where: { id: minted.record.id }, data: { expiresAt } });
    expect((await head(`/v2/${names.app}/manifests/v1`, `${customer.slug}:${minted.token}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 100));
    const error = await skopeo(['inspect', '--raw', '--creds', `${customer.slug}:${minted.token}`, `docker://${gw}/${names.app}:v1`]).then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(error).toMatch(/expired/);
  });

  it('denies a revoked token within one second, then counts the pulls in the statistics', async () => {
    // Warm the cache first: the revocation must beat it.
    expect((await head(`/v2/${names.app}/manifests/v1`)).status).toBe(200);
    const { actor } = await createStaff('staff-admin');
    await revokeToken(actor, tokenId, 'interop test');
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3_000) status = (await head(`/v2/${names.app}/manifests/v1`)).status;
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    const error = await skopeo(['inspect', '--raw', '--creds', `${customer.slug}:${token}`, `docker://${gw}/${names.app}:v1`]).then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(error).toMatch(/revoked/);

    await gateway.gateway.pullLog.flush();
    const { actor: viewer } = await createStaff('staff-support');
    const stats = await getPullStats(viewer, { orgId: customer.id });
    // Distinct images pulled: v1 (OCI), v1-docker, multi index (+ the podman platform manifest), bearer v1, open v1.
    expect(stats.totals.pulls).toBeGreaterThanOrEqual(5);
    expect(stats.topImages.map((i) => i.repository)).toEqual(expect.arrayContaining([names.app, names.bearer, names.open]));
    expect(stats.recentDenials.map((d) => d.reason)).toEqual(expect.arrayContaining(['token revoked', 'repository not in token scope', `PUT refused: pull only`]));
    const tokenRow = await prisma.registryToken.findUniqueOrThrow({ where: { id: tokenId } });
    expect(tokenRow.lastUsedIp).toBe('127.0.0.1');
    expect(tokenRow.lastUsedAt).not.toBeNull();
  });
});
