import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { generateToken } from '@/lib/product/registry/token-format';
import { updateRepository } from '@/lib/product/registry/repositories';
import { announceRegistryChange } from '@/lib/product/registry/credentials';
import { mintToken, revokeToken } from '@/lib/product/registry/tokens';
import { sealUpstreamSecret } from '@/lib/product/registry/upstream-credential';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { OCI_MANIFEST } from '@/dev/testing/oci-fixtures';
import { startGatewayServer } from './serve';

/**
 * The gateway in-process (ports 5106-5109) against a small upstream written
 * here, for behaviour real registries do not produce on demand: blob
 * redirects to a storage host, an upstream that is down then back, and
 * brute-force attempts from many addresses.
 */
const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:00', size: 2 }, layers: [] });
const MANIFEST_DIGEST = `sha256:${createHash('sha256').update(MANIFEST).digest('hex')}`;
const BLOB = Buffer.from('layer bytes '.repeat(1000));
const BLOB_DIGEST = `sha256:${createHash('sha256').update(BLOB).digest('hex')}`;

function listen(server: Server, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
}
function close(server: Server | undefined) {
  return new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

/** An upstream registry that wants Basic auth and sends blobs to a storage host. */
function upstreamServer(storagePort: number, seen: IncomingHttpHeaders[]) {
  return createServer((req, res) => {
    seen.push(req.headers);
    if (req.headers.authorization !== `Basic ${Buffer.from('vendor:s3cret').toString('base64')}`) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="upstream"', 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    if (req.url === '/v2/vendor/app/manifests/v1') {
      res.writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Content-Length': Buffer.byteLength(MANIFEST), 'Docker-Content-Digest': MANIFEST_DIGEST });
      res.end(req.method === 'HEAD' ? undefined : MANIFEST);
    } else if (req.url === `/v2/vendor/app/blobs/${BLOB_DIGEST}`) {
      res.writeHead(307, { Location: `http://127.0.0.1:${storagePort}/storage/${BLOB_DIGEST}?signature=abc` }).end();
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    }
  });
}

describe('registry gateway', () => {
  let gateway: Awaited<ReturnType<typeof startGatewayServer>>;
  let upstream: Server | undefined;
  let storage: Server;
  const upstreamSeen: IncomingHttpHeaders[] = [];
  const storageSeen: IncomingHttpHeaders[] = [];
  const prefix = uniqueSlug('gw');
  let org: { id: string; slug: string };
  let auth: string;
  let actor: Awaited<ReturnType<typeof createStaff>>['actor'];

  // Each request comes from its own address unless a test says otherwise: failure
  // counters live in the shared database, and every test client is 127.0.0.1.
  const randomIp = () => `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;
  const get = (path: string, init: RequestInit & { ip?: string } = {}) =>
    fetch(`${gateway.url}${path}`, { ...init, headers: { authorization: auth, 'x-forwarded-for': init.ip ?? randomIp(), ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    storage = createServer((req, res) => {
      storageSeen.push(req.headers);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': BLOB.length }).end(req.method === 'HEAD' ? undefined : BLOB);
    });
    await listen(storage, 5108);
    upstream = upstreamServer(5108, upstreamSeen);
    await listen(upstream, 5107);

    ({ actor } = await createStaff('staff-admin'));
    org = await createOrg();
    const repos = [];
    for (const [suffix, redirectMode, port] of [['follow', 'follow', 5107], ['passthrough', 'passthrough', 5107], ['down', 'follow', 5109]] as const) {
      const repo = await prisma.repository.create({
        data: { name: `${prefix}/${suffix}`, upstreamUrl: `http://127.0.0.1:${port}`, upstreamRepository: 'vendor/app', upstreamUsername: 'vendor', redirectMode },
      });
      await prisma.repository.update({ where: { id: repo.id }, data: { upstreamSecretEnc: sealUpstreamSecret(repo.id, 's3cret') } });
      await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repo.id } });
      repos.push(repo);
    }
    const minted = await mintToken(actor, { orgId: org.id, name: 'gateway test', repositoryIds: repos.map((r) => r.id) });
    auth = `Basic ${Buffer.from(`${org.slug}:${minted.token}`).toString('base64')}`;
    gateway = await startGatewayServer({ port: 5106, trustProxy: 1, limits: { perIp: 3, perUser: 5, windowSeconds: 60 } });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([close(upstream), close(storage)]);
  });

  it('answers manifest HEAD with digest, type and length, sending the upstream its credential', async () => {
    const response = await get(`/v2/${prefix}/follow/manifests/v1`, { method: 'HEAD', headers: { accept: OCI_MANIFEST } });
    expect(response.status).toBe(200);
    expect(response.headers.get('docker-content-digest')).toBe(MANIFEST_DIGEST);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(MANIFEST)));
    expect(response.headers.get('content-type')).toBe(OCI_MANIFEST);
    expect(upstreamSeen.at(-1)!.accept).toBe(OCI_MANIFEST);
  });

  it('sends the security headers on every response, errors and blobs included', async () => {
    const responses = [
      await fetch(`${gateway.url}/v2/`),
      await get(`/v2/${prefix}/follow/manifests/v1`),
      await get(`/v2/${prefix}/follow/blobs/${BLOB_DIGEST}`),
      await get(`/v2/${prefix}/passthrough/blobs/${BLOB_DIGEST}`, { redirect: 'manual' }),
      await get(`/v2/${prefix}/unknown/manifests/v1`),
      await fetch(`${gateway.url}/healthz`),
      await fetch(`${gateway.url}/elsewhere`),
    ];
    expect(responses.map((r) => r.status)).toEqual([401, 200, 200, 307, 403, 200, 404]);
    for (const response of responses) {
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('permissions-policy')).toContain('camera=()');
      await response.arrayBuffer();
    }
  });

  it('follows blob redirects server-side without the upstream credential', async () => {
    const before = storageSeen.length;
    const response = await get(`/v2/${prefix}/follow/blobs/${BLOB_DIGEST}`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(BLOB)).toBe(true);
    expect(response.headers.get('docker-content-digest')).toBe(BLOB_DIGEST);
    expect(storageSeen.length).toBe(before + 1);
    expect(storageSeen.at(-1)!.authorization).toBeUndefined();
  });

  it('passes blob redirects through when the repository says so', async () => {
    const response = await get(`/v2/${prefix}/passthrough/blobs/${BLOB_DIGEST}`, { redirect: 'manual' });
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe(`http://127.0.0.1:5108/storage/${BLOB_DIGEST}?signature=abc`);
  });

  it('answers unknown manifests with MANIFEST_UNKNOWN and bad names with NAME_INVALID', async () => {
    const missing = await get(`/v2/${prefix}/follow/manifests/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ errors: [{ code: 'MANIFEST_UNKNOWN' }] });
    const invalid = await get('/v2/UPPER/manifests/v1');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ errors: [{ code: 'NAME_INVALID' }] });
  });

  it('fails closed with 502 while the upstream is unreachable, and recovers when it is back', async () => {
    const down = await get(`/v2/${prefix}/down/manifests/v1`, { method: 'HEAD' });
    expect(down.status).toBe(502);
    const body = await get(`/v2/${prefix}/down/manifests/v1`);
    expect(await body.json()).toMatchObject({ errors: [{ code: 'UNAVAILABLE', message: expect.stringMatching(/upstream/) }] });
    const back = upstreamServer(5108, []);
    await listen(back, 5109);
    try {
      const up = await get(`/v2/${prefix}/down/manifests/v1`, { method: 'HEAD' });
      expect(up.status).toBe(200);
    } finally {
      await close(back);
    }
    await gateway.gateway.pullLog.flush();
    const outcomes = await prisma.pullEvent.findMany({ where: { repository: `${prefix}/down` }, orderBy: { id: 'asc' }, select: { outcome: true, reason: true } });
    expect(outcomes.map((o) => o.outcome)).toEqual(['upstream_error', 'upstream_error', 'success']);
    expect(outcomes[0]!.reason).toMatch(/ECONNREFUSED/);
  });

  it('rate-limits failed logins per IP with 429 and Retry-After, never a valid token', async () => {
    const ip = randomIp();
    const bad = `Basic ${Buffer.from(`${org.slug}-nobody:${generateToken()}`).toString('base64')}`;
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get('/v2/', { ip, headers: { authorization: bad } })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await get('/v2/', { ip, headers: { authorization: bad } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ errors: [{ code: 'TOOMANYREQUESTS' }] });
    // The blocked address still pulls with a valid token, as fast as ever.
    expect((await get('/v2/', { ip })).status).toBe(200);
    expect((await get(`/v2/${prefix}/follow/manifests/v1`, { ip, method: 'HEAD' })).status).toBe(200);
  });

  it('counts failed logins from one IPv6 /64 together, however many addresses it rotates through', async () => {
    const prefix64 = `2001:db8:${Math.floor(Math.random() * 65536).toString(16)}:${Math.floor(Math.random() * 65536).toString(16)}`;
    const bad = `Basic ${Buffer.from(`${uniqueSlug('rotating')}:${generateToken()}`).toString('base64')}`;
    const statuses = [];
    for (let i = 1; i <= 5; i++) statuses.push((await get('/v2/', { ip: `${prefix64}::${i.toString(16)}`, headers: { authorization: bad } })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('rate-limits failed logins per username across addresses', async () => {
    const username = uniqueSlug('victim');
    const bad = `Basic ${Buffer.from(`${username}:${generateToken()}`).toString('base64')}`;
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await get('/v2/', { headers: { authorization: bad } })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('caches a verified token and drops it when its revocation is announced', async () => {
    const { actor: staff } = await createStaff('staff-admin');
    const minted = await mintToken(staff, { orgId: org.id, name: 'cache test', repositoryIds: (await prisma.repository.findMany({ where: { name: `${prefix}/follow` } })).map((r) => r.id) });
    const cachedAuth = `Basic ${Buffer.from(`${org.slug}:${minted.token}`).toString('base64')}`;
    const before = gateway.gateway.caches.size.credentials;
    expect((await get('/v2/', { headers: { authorization: cachedAuth } })).status).toBe(200);
    expect(gateway.gateway.caches.size.credentials).toBe(before + 1);
    await revokeToken(staff, minted.record.id);
    const deadline = Date.now() + 1_000;
    while (gateway.gateway.caches.size.credentials > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(gateway.gateway.caches.size.credentials).toBe(before);
    expect((await get('/v2/', { headers: { authorization: cachedAuth } })).status).toBe(401);
  });

  it('drops a customer\'s cached tokens when grants change, so scope shrinks at once', async () => {
    const repo = await prisma.repository.findUniqueOrThrow({ where: { name: `${prefix}/passthrough` } });
    expect((await get(`/v2/${prefix}/passthrough/blobs/${BLOB_DIGEST}`, { redirect: 'manual' })).status).toBe(307);
    await prisma.$transaction(async (tx) => {
      await tx.repositoryGrant.delete({ where: { orgId_repositoryId: { orgId: org.id, repositoryId: repo.id } } });
      await announceRegistryChange(tx, { kind: 'org', orgId: org.id });
    });
    const deadline = Date.now() + 1_000;
    let status = 307;
    while (status === 307 && Date.now() < deadline) status = (await get(`/v2/${prefix}/passthrough/blobs/${BLOB_DIGEST}`, { redirect: 'manual' })).status;
    expect(status).toBe(403);
  });

  it('reloads a repository\'s upstream as soon as staff change it, not after the cache expires', async () => {
    const repo = await prisma.repository.findUniqueOrThrow({ where: { name: `${prefix}/down` } });
    expect((await get(`/v2/${prefix}/down/manifests/v1`, { method: 'HEAD' })).status).toBe(502);
    await updateRepository(actor, repo.id, { upstreamUrl: 'http://127.0.0.1:5107' });
    const deadline = Date.now() + 1_000;
    let status = 502;
    while (status === 502 && Date.now() < deadline) status = (await get(`/v2/${prefix}/down/manifests/v1`, { method: 'HEAD' })).status;
    expect(status).toBe(200);
  });
});
