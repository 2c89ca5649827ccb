import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { sealUpstreamSecret } from '@/lib/product/registry/upstream-credential';
import { announceRegistryChange } from '@/lib/product/registry/credentials';
import { createRepository, grantRepository, setVersionRule } from '@/lib/product/registry/repositories';
import { mintToken, revokeToken } from '@/lib/product/registry/tokens';
import { renderInstructions } from '@/lib/product/instructions/instructions';
import { getPullStats } from '@/lib/product/stats/pull-stats';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { ALL_MANIFEST_TYPES, buildFixtureImages, buildHelmChart, buildVersionedImages, DOCKER_MANIFEST, HELM_CHART_LAYER, HELM_CONFIG, OCI_INDEX, OCI_MANIFEST, pushArtifact, type FixtureImages } from '@/dev/testing/oci-fixtures';
import { ensureRegistryTools, startDistribution, startDockerd, tempDir, type RunningDocker, type RunningProcess } from '@/dev/testing/registry-tools';
import { startTokenServer, type TokenServer } from '@/dev/testing/token-server';
import { startGatewayServer } from './serve';

/**
 * Real clients against the gateway: CNCF distribution upstreams (htpasswd,
 * Docker token auth, and none) holding fixture images (OCI manifest, OCI
 * multi-arch index, Docker v2s2), pulled through the gateway by skopeo and
 * podman. Ports 5100-5109.
 */
const exec = promisify(execFile);
const tools = ensureRegistryTools(['docker-registry', 'skopeo', 'podman', 'htpasswd', 'dockerd']);
const title = tools.ok ? 'registry interop (skopeo, podman, docker, distribution)' : `registry interop — skipped: ${tools.reason}`;

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
  let docker: RunningDocker;

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
    await prisma.repositoryGrant.createMany({
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
    docker = await startDockerd();
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([docker?.stop(), basicRegistry?.stop(), tokenRegistry?.stop(), openRegistry?.stop(), tokenServer?.stop()]);
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

  it('tells skopeo, podman and docker users the customer-level cause, in full and without a doubled prefix', async () => {
    const { actor } = await createStaff('staff-admin');
    const repos = await prisma.repository.findMany({ where: { name: names.app }, select: { id: true } });
    const narrow = await mintToken(actor, { orgId: customer.id, name: 'app only', repositoryIds: repos.map((r) => r.id) });
    const revoked = await mintToken(actor, { orgId: customer.id, name: 'revoked for messages', repositoryIds: repos.map((r) => r.id) });
    await revokeToken(actor, revoked.record.id, 'interop messages');
    const cases = [
      { what: 'wrong token', creds: `${customer.slug}:pcr_notarealtoken`, ref: `${names.app}:v1`, message: 'incorrect username or registry token (the username is your customer name)' },
      { what: 'revoked token', creds: `${customer.slug}:${revoked.token}`, ref: `${names.app}:v1`, message: 'this registry token has been revoked; ask your vendor for a new one' },
      { what: 'not granted', creds: `${customer.slug}:${token}`, ref: `${names.other}:v1`, message: `${customer.slug} may not pull ${names.other}; ask your vendor to add it to your subscription` },
      { what: 'outside the token', creds: `${customer.slug}:${narrow.token}`, ref: `${names.bearer}:v1`, message: `${names.bearer} is not in this registry token's scope; use a token that includes it, or ask your vendor for one` },
    ];
    const base = ['--root', path.join(podmanRoot, 'root'), '--runroot', path.join(podmanRoot, 'run'), '--storage-driver', 'vfs', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs'];
    const printed: Record<string, Record<string, string>> = {};
    for (const c of cases) {
      const failed = (e: { stderr: string }) => e.stderr;
      const skopeoSays = await skopeo(['inspect', '--raw', '--creds', c.creds, `docker://${gw}/${c.ref}`]).then(() => 'pulled', failed);
      const podmanSays = await exec('podman', [...base, 'pull', '--tls-verify=false', '--creds', c.creds, `${gw}/${c.ref}`], { timeout: 120_000 }).then(() => 'pulled', failed);
      let dockerSays: string;
      {
        const [user, password] = c.creds.split(':') as [string, string];
        // As after a `docker login` that once worked: the pull is where the cause shows.
        // (`docker login` itself prints only "failed with status: 401 Unauthorized"; it never reads the body.)
        docker.rememberLogin(gw, user, password);
        const pulled = await docker.docker(['pull', `${gw}/${c.ref}`]);
        dockerSays = pulled.code === 0 ? 'pulled' : pulled.stderr;
      }
      printed[c.what] = { skopeo: skopeoSays, podman: podmanSays, docker: dockerSays };
    }
    for (const c of cases) {
      for (const [client, said] of Object.entries(printed[c.what]!)) {
        expect(said, `${client}, ${c.what}`).toContain(c.message);
        expect(said, `${client}, ${c.what}`).not.toMatch(/unauthorized: unauthorized|denied: denied|requested access to the resource is denied/);
      }
    }
    const response = await fetch(`http://${gw}/v2/${names.other}/manifests/v1`, { headers: { authorization: `Basic ${Buffer.from(`${customer.slug}:${token}`).toString('base64')}` } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ errors: [{ code: 'DENIED', message: cases[2]!.message }] });
  }, 600_000);

  it('serves an image\'s Helm chart (an OCI artifact) to whoever may pull the image, at the version the instructions name', async () => {
    const creds = `Basic ${Buffer.from(`${UPSTREAM_USER}:${UPSTREAM_PASSWORD}`).toString('base64')}`;
    const artifact = buildHelmChart('app', '1.8.0', '4.2.0');
    await pushArtifact(basicRegistry.url, creds, 'vendor/charts/app', '1.8.0', artifact);
    const { actor } = await createStaff('staff-admin');
    const chartName = `${prefix}/charts/app`;
    const chart = await createRepository(actor, { name: chartName, upstreamUrl: basicRegistry.url, upstreamRepository: 'vendor/charts/app', upstreamUsername: UPSTREAM_USER, upstreamSecret: UPSTREAM_PASSWORD, defaultTag: '1.8.0', chartOf: names.app });

    // The instructions name this chart and version, on the gateway's host; pull exactly that with the customer's token.
    const instructions = await renderInstructions(prisma, customer.id, { repositoryId: (await prisma.repository.findUniqueOrThrow({ where: { name: names.app } })).id, token });
    const helm = instructions.markdown.match(/helm upgrade --install \S+ oci:\/\/([^/\s]+)\/(\S+) \\\n\s+--version (\S+)/);
    expect(helm?.slice(2)).toEqual([chartName, '1.8.0']);
    const out = tempDir('chart-out');
    await skopeo(['copy', '--quiet', '--src-creds', `${customer.slug}:${token}`, `docker://${gw}/${helm![2]}:${helm![3]}`, `oci:${out}:pulled`]);
    const index = JSON.parse(fs.readFileSync(path.join(out, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    expect(index.manifests[0]!.digest).toBe(artifact.digest);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'blobs', 'sha256', artifact.digest.slice(7)), 'utf8')) as { config: { mediaType: string }; layers: { mediaType: string; digest: string }[] };
    expect(manifest.config.mediaType).toBe(HELM_CONFIG);
    expect(manifest.layers).toEqual([expect.objectContaining({ mediaType: HELM_CHART_LAYER, digest: artifact.chartDigest })]);
    expect(fs.readFileSync(path.join(out, 'blobs', 'sha256', artifact.chartDigest.slice(7)))).toEqual(artifact.chart);
    const tags = await fetch(`http://${gw}/v2/${chartName}/tags/list`, { headers: { authorization: `Basic ${Buffer.from(`${customer.slug}:${token}`).toString('base64')}` } });
    expect(await tags.json()).toEqual({ name: chartName, tags: ['1.8.0'] });

    // A customer granted another image cannot pull this chart.
    const rival = await prisma.repositoryGrant.findFirstOrThrow({ where: { repository: { name: names.other } }, select: { orgId: true, org: { select: { slug: true } } } });
    const rivalToken = await mintToken(actor, { orgId: rival.orgId, name: 'rival', repositoryIds: [(await prisma.repository.findUniqueOrThrow({ where: { name: names.other } })).id] });
    const refused = await skopeo(['inspect', '--raw', '--creds', `${rival.org.slug}:${rivalToken.token}`, `docker://${gw}/${chartName}:1.8.0`]).then(() => 'pulled', (e: { stderr: string }) => e.stderr);
    expect(refused).toContain(`denied: ${rival.org.slug} may not pull ${chartName}`);
    expect(chart.kind).toBe('chart');
  });

  it('enforces version and channel limits and perpetual fallback on tags, digests and tag lists, as skopeo, podman and docker print', async () => {
    // Five versions upstream, dated by their image configs; 2.1.0 is multi-arch and `stable` points to it.
    const versioned = buildVersionedImages(tempDir('versioned'), prefix, {
      '1.9.0': { created: '2026-01-10T00:00:00Z' },
      '2.0.0': { created: '2026-03-01T00:00:00Z' },
      '2.1.0': { created: '2026-06-01T00:00:00Z', multi: true },
      '3.0.0': { created: '2026-09-01T00:00:00Z' },
    });
    const creds = `${UPSTREAM_USER}:${UPSTREAM_PASSWORD}`;
    const copy = (tag: string, target = tag) =>
      exec('skopeo', ['copy', '--quiet', '--all', '--dest-creds', creds, '--dest-tls-verify=false', `oci:${versioned.dir}:${tag}`, `docker://127.0.0.1:5101/vendor/versioned:${target}`]);
    for (const tag of ['1.9.0', '2.0.0', '2.1.0', '3.0.0']) await copy(tag);
    await copy('2.1.0', 'stable');
    const { actor } = await createStaff('staff-admin');
    const name = `${prefix}/versioned`;
    const repository = await createRepository(actor, { name, upstreamUrl: basicRegistry.url, upstreamRepository: 'vendor/versioned', upstreamUsername: UPSTREAM_USER, upstreamSecret: UPSTREAM_PASSWORD, defaultTag: '3.0.0' });
    const org = await createOrg();
    await grantRepository(actor, org.id, repository.id, { versionRange: '>=2.0.0 <3' });
    const minted = await mintToken(actor, { orgId: org.id, name: 'versions', repositoryIds: [repository.id] });
    const login = `${org.slug}:${minted.token}`;
    const inspect = (ref: string) => skopeo(['inspect', '--raw', '--creds', login, `docker://${gw}/${ref}`]).then(() => 'pulled', (e: { stderr: string }) => e.stderr);
    const listTags = async () => (JSON.parse((await skopeo(['list-tags', '--creds', login, `docker://${gw}/${name}`])).stdout) as { Tags: string[] }).Tags.sort();
    const base = ['--root', path.join(podmanRoot, 'root'), '--runroot', path.join(podmanRoot, 'run'), '--storage-driver', 'vfs', '--events-backend', 'none', '--cgroup-manager', 'cgroupfs'];
    const podmanPull = (ref: string) => exec('podman', [...base, 'pull', '--tls-verify=false', '--creds', login, `${gw}/${ref}`], { timeout: 120_000 }).then(() => 'pulled', (e: { stderr: string }) => e.stderr);
    const [user, password] = login.split(':') as [string, string];
    docker.rememberLogin(gw, user, password);
    const dockerPull = async (ref: string) => {
      const pulled = await docker.docker(['pull', `${gw}/${ref}`]);
      return pulled.code === 0 ? 'pulled' : pulled.stderr;
    };

    // A semver range: by tag, by digest, in the tag list; the multi-arch pull fetches its platform manifest by digest.
    const outside = `${name}:3.0.0 is outside what ${org.slug} may pull (versions >=2.0.0 <3); pull one of those versions, or ask your vendor`;
    expect(await inspect(`${name}:2.0.0`)).toBe('pulled');
    expect(await inspect(`${name}:3.0.0`)).toContain(`denied: ${outside}`);
    expect(await dockerPull(`${name}:3.0.0`)).toContain(outside);
    expect(await podmanPull(`${name}:3.0.0`)).toContain(outside);
    expect(await dockerPull(`${name}:2.1.0`)).toBe('pulled');
    expect(await podmanPull(`${name}:2.1.0`)).toBe('pulled');
    expect(await inspect(`${name}@${versioned.images['2.0.0']!.digest}`)).toBe('pulled');
    expect(await inspect(`${name}@${versioned.images['3.0.0']!.digest}`)).toContain(`${name}@${versioned.images['3.0.0']!.digest} is not a version ${org.slug} may pull`);
    expect(await listTags()).toEqual(['2.0.0', '2.1.0']);

    // A channel: `stable` and what it points to (by digest), nothing else.
    await setVersionRule(actor, org.id, repository.id, { channel: 'stable' });
    expect(await listTags()).toEqual(['stable']);
    expect(await inspect(`${name}:stable`)).toBe('pulled');
    expect(await inspect(`${name}@${versioned.images['2.1.0']!.digest}`)).toBe('pulled');
    expect(await inspect(`${name}:2.1.0`)).toContain(`${name}:2.1.0 is outside what ${org.slug} may pull (channel stable)`);

    // Perpetual fallback: the license expired on 2026-07-01; what was published before stays pullable, 3.0.0 is refused with the renewal path.
    await setVersionRule(actor, org.id, repository.id, {});
    await prisma.$transaction(async (tx) => {
      await tx.organization.update({ where: { id: org.id }, data: { licenseExpiresAt: new Date('2026-07-01T00:00:00Z') } });
      await announceRegistryChange(tx, { kind: 'org', orgId: org.id });
    });
    const expired = `${name}:3.0.0 was published on 2026-09-01, after ${org.slug}'s license expired on 2026-07-01; versions published until then remain available; renew at `;
    await expect.poll(() => inspect(`${name}:3.0.0`), { timeout: 5_000 }).toContain(`denied: ${expired}`);
    expect(await dockerPull(`${name}:3.0.0`)).toContain(expired);
    expect(await podmanPull(`${name}:3.0.0`)).toContain(expired);
    expect(await inspect(`${name}@${versioned.images['3.0.0']!.digest}`)).toContain(`was published on 2026-09-01, after ${org.slug}'s license expired`);
    expect(await dockerPull(`${name}:1.9.0`)).toBe('pulled');
    expect(await inspect(`${name}:stable`)).toBe('pulled');
    expect(await listTags()).toEqual(['1.9.0', '2.0.0', '2.1.0', 'stable']);

    // The instructions name a version the customer may pull (the default, 3.0.0, no longer) and say why.
    const instructions = await renderInstructions(prisma, org.id, { token: minted.token });
    expect(instructions.versions).toMatchObject({ text: 'versions published before 2026-07-01', tag: '2.1.0' });
    expect(instructions.markdown).toContain('Your license expired on 2026-07-01');
    expect(instructions.markdown).toContain(`${name}:2.1.0`);
    expect(instructions.markdown).not.toContain(`${name}:3.0.0`);

    // Each refusal is in the statistics with its reason.
    await gateway.gateway.pullLog.flush();
    const reasons = (await prisma.pullEvent.findMany({ where: { orgId: org.id, outcome: 'denied' }, select: { reason: true } })).map((e) => e.reason);
    expect(new Set(reasons)).toEqual(new Set(['version not granted', 'published after license expiry']));
  }, 600_000);

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

  // Timing on a shared 2-core machine: a retry absorbs a load spike, a real delay fails every try.
  it('denies a revoked token within one second', { retry: 2 }, async () => {
    const { actor } = await createStaff('staff-admin');
    const repos = await prisma.repository.findMany({ where: { name: names.app }, select: { id: true } });
    const minted = await mintToken(actor, { orgId: customer.id, name: 'to revoke', repositoryIds: repos.map((r) => r.id) });
    const creds = `${customer.slug}:${minted.token}`;
    // Warm the cache first: the revocation must beat it.
    expect((await head(`/v2/${names.app}/manifests/v1`, creds)).status).toBe(200);
    await revokeToken(actor, minted.record.id, 'interop test');
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3_000) status = (await head(`/v2/${names.app}/manifests/v1`, creds)).status;
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    const error = await skopeo(['inspect', '--raw', '--creds', creds, `docker://${gw}/${names.app}:v1`]).then(
      () => null,
      (e: { stderr: string }) => e.stderr,
    );
    expect(error).toMatch(/revoked/);
  });

  it('counts the pulls in the statistics and records the token\'s last use', async () => {
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
    // The onboarding checklist ticked "first successful pull" by itself.
    const firstPull = await prisma.onboardingItem.findUniqueOrThrow({ where: { orgId_key: { orgId: customer.id, key: 'first_pull' } } });
    expect(firstPull).toMatchObject({ doneBy: 'system' });
    expect(await prisma.auditEvent.count({ where: { orgId: customer.id, action: 'onboarding.tick', actorLabel: 'system:gateway' } })).toBe(1);
  });
});
