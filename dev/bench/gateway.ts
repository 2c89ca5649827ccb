import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { systemActor } from '@/lib/identity/auth/actor';
import { formatSample, measureSideBySide, type BenchContext, type Suite } from '@/dev/bench/harness';
import { prisma } from '@/lib/platform/db/client';
import { mintToken } from '@/lib/product/registry/tokens';
import { createOrg, uniqueSlug } from '@/dev/testing/factories';
import { startGatewayProcess } from '@/dev/testing/gateway-process';
import { OCI_MANIFEST } from '@/dev/testing/oci-fixtures';
import { ensureRegistryTools, startDistribution, startNginxBasicAuth, stopChild, tempDir, waitForHttp } from '@/dev/testing/registry-tools';

/**
 * The gateway against the registry it fronts, side by side in one run:
 * straight to CNCF distribution, through nginx with Basic auth (the usual
 * hand-rolled setup), and through the gateway (its own process, token check,
 * scope check, pull logging). Manifest HEAD latency and throughput, blob
 * throughput for a 200 MB layer, and the gateway's peak RSS.
 * Ports 5130-5139.
 */
const BLOB_MB = Number(process.env.BENCH_BLOB_MB ?? 200);
const CONCURRENCY = 16;
const BLOB_ROUNDS = 5;

/**
 * References for the blob figures, each its own Node process. "node pipe" is
 * the least an HTTP proxy can do: stream the upstream's answer back, no auth,
 * no logging. "tcp relay" copies bytes between two sockets without reading
 * HTTP at all: what any proxy that passes bytes through user space costs here.
 */
const REFERENCE_PROXIES = {
  'node pipe': (upstream: string, port: number) => `
    const http = require('node:http');
    const { pipeline } = require('node:stream');
    const agent = new http.Agent({ keepAlive: true });
    http.createServer((req, res) => {
      http.get(${JSON.stringify(upstream)} + req.url, { agent }, (up) => {
        res.writeHead(up.statusCode, { 'content-length': up.headers['content-length'], 'content-type': up.headers['content-type'] });
        pipeline(up, res, () => {});
      }).on('error', () => res.destroy());
    }).listen(${port}, '127.0.0.1');`,
  'tcp relay': (upstream: string, port: number) => `
    const net = require('node:net');
    const target = new URL(${JSON.stringify(upstream)});
    net.createServer((client) => {
      const server = net.connect(Number(target.port), target.hostname);
      client.pipe(server).pipe(client);
      client.on('error', () => server.destroy());
      server.on('error', () => client.destroy());
    }).listen(${port}, '127.0.0.1');`,
};

async function startReferenceProxy(kind: keyof typeof REFERENCE_PROXIES, port: number, upstream: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', REFERENCE_PROXIES[kind](upstream, port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/v2/`);
  return { url, pid: child.pid!, stop: () => stopChild(child) };
}

type Target = { name: string; base: string; auth: string | null };

function request(agent: http.Agent, target: Target, method: 'HEAD' | 'GET', pathname: string, accept?: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const url = new URL(pathname, target.base);
    const req = http.request(
      url,
      { method, agent, headers: { ...(target.auth ? { authorization: target.auth } : {}), ...(accept ? { accept } : {}) } },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function upload(registry: string, name: string, file: string, digest: string, size: number) {
  const start = await fetch(`${registry}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(start.headers.get('location')!, registry);
  location.searchParams.set('digest', digest);
  await new Promise<void>((resolve, reject) => {
    const req = http.request(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': size } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`blob upload: ${res.statusCode}`))));
    });
    req.on('error', reject);
    fs.createReadStream(file).pipe(req);
  });
}

async function makeImage(registry: string, name: string, dir: string) {
  const file = path.join(dir, 'layer.bin');
  const hash = createHash('sha256');
  const out = fs.createWriteStream(file);
  const chunk = 4 * 1024 * 1024;
  for (let written = 0; written < BLOB_MB * 1024 * 1024; written += chunk) {
    const data = randomBytes(chunk);
    hash.update(data);
    if (!out.write(data)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  const layerDigest = `sha256:${hash.digest('hex')}`;
  const layerSize = fs.statSync(file).size;
  await upload(registry, name, file, layerDigest, layerSize);
  fs.rmSync(file);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] } }));
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const configFile = path.join(dir, 'config.json');
  fs.writeFileSync(configFile, config);
  await upload(registry, name, configFile, configDigest, config.length);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layerSize }],
  });
  const put = await fetch(`${registry}/v2/${name}/manifests/v1`, { method: 'PUT', headers: { 'content-type': OCI_MANIFEST }, body: manifest });
  if (put.status !== 201) throw new Error(`manifest upload: ${put.status}`);
  return { layerDigest, layerSize };
}

/** Requests per second with `CONCURRENCY` requests in flight for `ms`. */
async function throughputOf(target: Target, pathname: string, ms: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let done = 0;
  const deadline = performance.now() + ms;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const { status } = await request(agent, target, 'HEAD', pathname, OCI_MANIFEST);
        if (status !== 200) throw new Error(`${target.name}: HEAD ${status}`);
        done++;
      }
    }),
  );
  agent.destroy();
  return done / ((performance.now() - start) / 1000);
}

function peakRss(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** User + system CPU seconds (clock ticks are 100/s on Linux) and minor page faults of a process so far. */
function cpuAndFaults(pid: number): { cpu: number; faults: number } {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return { cpu: (Number(fields[11]) + Number(fields[12])) / 100, faults: Number(fields[7]) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function run(ctx: BenchContext) {
  const tools = ensureRegistryTools(['docker-registry', 'nginx', 'htpasswd']);
  if (!tools.ok) {
    ctx.log(`skipped: ${tools.reason}`);
    return;
  }
  const dir = tempDir('bench-gateway');
  const registry = await startDistribution({ port: 5130, dir });
  const nginx = await startNginxBasicAuth({ port: 5131, upstream: registry.url, user: 'bench', password: 'bench-password' });
  let gatewayProcess: Awaited<ReturnType<typeof startGatewayProcess>> | null = null;
  const references: { stop: () => Promise<void> }[] = [];
  try {
    ctx.log(`pushing a ${BLOB_MB} MB layer to distribution…`);
    const { layerDigest, layerSize } = await makeImage(registry.url, 'bench/app', dir);

    const org = await createOrg();
    const repo = await prisma.repository.create({ data: { name: `${uniqueSlug('bench')}/app`, upstreamUrl: registry.url, upstreamRepository: 'bench/app' } });
    await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repo.id } });
    const { token } = await mintToken(systemActor('bench'), { orgId: org.id, name: 'bench', repositoryIds: [repo.id] });
    gatewayProcess = await startGatewayProcess({ port: 5132, databaseUrl: process.env.DATABASE_URL!, env: { LOG_LEVEL: 'error', NODE_ENV: 'production' } });
    const pid = gatewayProcess.child.pid!;

    const targets = {
      direct: { name: 'direct', base: registry.url, auth: null, name2: 'bench/app' },
      nginx: { name: 'nginx', base: nginx.url, auth: `Basic ${Buffer.from('bench:bench-password').toString('base64')}`, name2: 'bench/app' },
      gateway: { name: 'gateway', base: gatewayProcess.url, auth: `Basic ${Buffer.from(`${org.slug}:${token}`).toString('base64')}`, name2: repo.name },
    };
    const manifestPath = (t: (typeof targets)[keyof typeof targets]) => `/v2/${t.name2}/manifests/v1`;
    const blobPath = (t: (typeof targets)[keyof typeof targets]) => `/v2/${t.name2}/blobs/${layerDigest}`;
    const agents = Object.fromEntries(Object.keys(targets).map((k) => [k, new http.Agent({ keepAlive: true, maxSockets: 1 })]));

    ctx.log('manifest HEAD latency, one request at a time (interleaved rounds):');
    const latency = await measureSideBySide(
      Object.fromEntries(
        Object.entries(targets).map(([key, t]) => [
          `manifest HEAD ${key}`,
          async () => {
            const { status } = await request(agents[key]!, t, 'HEAD', manifestPath(t), OCI_MANIFEST);
            if (status !== 200) throw new Error(`${key}: HEAD ${status}`);
          },
        ]),
      ),
      { rounds: 10, perRound: 100, warmup: 100 },
    );
    for (const sample of Object.values(latency)) ctx.log(`  ${formatSample(sample)}`);
    const p50 = (k: string) => latency[`manifest HEAD ${k}`]!.medianMs;
    const p99 = (k: string) => latency[`manifest HEAD ${k}`]!.p99Ms;

    ctx.log(`manifest HEAD throughput, ${CONCURRENCY} in flight (interleaved 2 s rounds):`);
    const rates: Record<string, number[]> = { direct: [], nginx: [], gateway: [] };
    for (let round = 0; round < 3; round++) {
      for (const key of round % 2 ? ['gateway', 'nginx', 'direct'] : ['direct', 'nginx', 'gateway']) {
        const t = targets[key as keyof typeof targets];
        rates[key]!.push(await throughputOf(t, manifestPath(t), 2_000));
      }
    }
    for (const [key, values] of Object.entries(rates)) ctx.log(`  ${key.padEnd(8)} ${Math.round(median(values)).toLocaleString('en-US').padStart(8)} req/s   (rounds: ${values.map((v) => Math.round(v)).join(', ')})`);

    ctx.log(
      `blob GET of ${(layerSize / 1024 / 1024).toFixed(0)} MB (one warm-up each, then ${BLOB_ROUNDS} interleaved rounds; "node pipe" is a bare Node HTTP proxy and "tcp relay" a bare Node socket-to-socket copy, for reference):`,
    );
    const pipe = await startReferenceProxy('node pipe', 5133, registry.url);
    references.push(pipe);
    const relay = await startReferenceProxy('tcp relay', 5134, registry.url);
    references.push(relay);
    const blobTargets: Record<string, Target & { name2: string }> = {
      ...targets,
      'node pipe': { name: 'node pipe', base: pipe.url, auth: null, name2: 'bench/app' },
      'tcp relay': { name: 'tcp relay', base: relay.url, auth: null, name2: 'bench/app' },
    };
    // Each target streams on a fresh connection, as the node pipe must.
    const blobAgents: Record<string, http.Agent> = Object.fromEntries(Object.keys(blobTargets).map((k) => [k, new http.Agent({ keepAlive: true, maxSockets: 1 })]));
    const blobRates: Record<string, number[]> = { direct: [], gateway: [], 'node pipe': [], 'tcp relay': [] };
    let rssDuringBlobs = 0;
    // CPU-seconds and page faults of each proxy process while it streams (the registry's own are not counted).
    const proxyPids: Record<string, number> = { gateway: pid, 'node pipe': pipe.pid, 'tcp relay': relay.pid };
    const proxyCost: Record<string, { cpu: number; faults: number; bytes: number }> = Object.fromEntries(Object.keys(proxyPids).map((k) => [k, { cpu: 0, faults: 0, bytes: 0 }]));
    for (const key of Object.keys(blobRates)) await request(blobAgents[key]!, blobTargets[key]!, 'GET', blobPath(blobTargets[key]!));
    for (let round = 0; round < BLOB_ROUNDS; round++) {
      const order = Object.keys(blobRates);
      for (const key of round % 2 ? order.reverse() : order) {
        const t = blobTargets[key]!;
        const sampler = setInterval(() => (rssDuringBlobs = Math.max(rssDuringBlobs, peakRss(pid).rssMb)), 100);
        const proxyPid = proxyPids[key];
        const before = proxyPid ? cpuAndFaults(proxyPid) : null;
        const start = performance.now();
        const { status, bytes } = await request(blobAgents[key]!, t, 'GET', blobPath(t));
        const seconds = (performance.now() - start) / 1000;
        clearInterval(sampler);
        if (proxyPid && before) {
          const after = cpuAndFaults(proxyPid);
          proxyCost[key]!.cpu += after.cpu - before.cpu;
          proxyCost[key]!.faults += after.faults - before.faults;
          proxyCost[key]!.bytes += bytes;
        }
        if (status !== 200 || bytes !== layerSize) throw new Error(`${key}: blob ${status}, ${bytes} bytes`);
        blobRates[key]!.push(bytes / 1024 / 1024 / seconds);
      }
    }
    for (const [key, values] of Object.entries(blobRates)) ctx.log(`  ${key.padEnd(9)} ${median(values).toFixed(0).padStart(6)} MB/s   (rounds: ${values.map((v) => v.toFixed(0)).join(', ')})`);
    const pipePeakMb = peakRss(pipe.pid).peakMb;

    const memory = peakRss(pid);
    const figures = {
      addedP50: p50('gateway') - p50('direct'),
      nginxAddedP50: p50('nginx') - p50('direct'),
      manifestRatio: median(rates.gateway!) / median(rates.direct!),
      nginxManifestRatio: median(rates.nginx!) / median(rates.direct!),
      blobRatio: median(blobRates.gateway!) / median(blobRates.direct!),
      pipeBlobRatio: median(blobRates['node pipe']!) / median(blobRates.direct!),
      relayBlobRatio: median(blobRates['tcp relay']!) / median(blobRates.direct!),
    };
    ctx.log();
    ctx.log(`gateway p50 ${p50('gateway').toFixed(3)} ms / p99 ${p99('gateway').toFixed(3)} ms; direct p50 ${p50('direct').toFixed(3)} ms / p99 ${p99('direct').toFixed(3)} ms; nginx p50 ${p50('nginx').toFixed(3)} ms / p99 ${p99('nginx').toFixed(3)} ms`);
    const check = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
    ctx.log(`added p50 latency: gateway ${figures.addedP50.toFixed(3)} ms (${check(figures.addedP50 <= 2)} ≤ 2 ms), nginx ${figures.nginxAddedP50.toFixed(3)} ms`);
    ctx.log(`manifest throughput vs direct: gateway ${(figures.manifestRatio * 100).toFixed(0)}% (${check(figures.manifestRatio >= 0.6)} ≥ 60%), nginx ${(figures.nginxManifestRatio * 100).toFixed(0)}%`);
    ctx.log(`blob throughput vs direct: gateway ${(figures.blobRatio * 100).toFixed(0)}% (${check(figures.blobRatio >= 0.85)} ≥ 85%), bare node pipe ${(figures.pipeBlobRatio * 100).toFixed(0)}%, tcp relay ${(figures.relayBlobRatio * 100).toFixed(0)}%`);
    // On a 2-core machine the client, the registry and the proxy share the CPUs: this says what each proxy itself costs.
    // Page faults show malloc giving read buffers back to the kernel and faulting them in again (see GATEWAY_ENV).
    const perGb = Object.fromEntries(
      Object.entries(proxyCost).map(([key, cost]) => [key, { cpu: cost.cpu / (cost.bytes / 1024 ** 3), faults: cost.faults / (cost.bytes / 1024 ** 3) }]),
    );
    const cpuPerGb = perGb.gateway!.cpu;
    ctx.log(
      `CPU per GB streamed: gateway ${cpuPerGb.toFixed(2)} CPU-s (${Math.round(perGb.gateway!.faults).toLocaleString('en-US')} page faults), node pipe ${perGb['node pipe']!.cpu.toFixed(2)}, tcp relay ${perGb['tcp relay']!.cpu.toFixed(2)}`,
    );
    ctx.log(`gateway RSS: peak ${memory.peakMb.toFixed(0)} MB over the whole run, ${rssDuringBlobs.toFixed(0)} MB max while streaming (${check(memory.peakMb < 200)} < 200 MB); the bare node pipe peaked at ${pipePeakMb.toFixed(0)} MB`);
    ctx.figure('manifest HEAD p50 gateway', p50('gateway'), 'ms');
    ctx.figure('manifest HEAD p50 direct', p50('direct'), 'ms');
    ctx.figure('manifest HEAD p50 nginx', p50('nginx'), 'ms');
    ctx.figure('manifest HEAD p99 gateway', p99('gateway'), 'ms');
    ctx.figure('added p50 latency (gateway − direct)', figures.addedP50, 'ms');
    ctx.figure('added p50 latency (nginx − direct)', figures.nginxAddedP50, 'ms');
    ctx.figure('manifest throughput gateway', median(rates.gateway!), 'req/s');
    ctx.figure('manifest throughput direct', median(rates.direct!), 'req/s');
    ctx.figure('manifest throughput nginx', median(rates.nginx!), 'req/s');
    ctx.figure('manifest throughput ratio gateway/direct', figures.manifestRatio, 'x');
    ctx.figure('manifest throughput ratio nginx/direct', figures.nginxManifestRatio, 'x');
    ctx.figure('blob throughput gateway', median(blobRates.gateway!), 'MB/s');
    ctx.figure('blob throughput direct', median(blobRates.direct!), 'MB/s');
    ctx.figure('blob throughput ratio gateway/direct', figures.blobRatio, 'x');
    ctx.figure('blob throughput ratio node pipe/direct', figures.pipeBlobRatio, 'x');
    ctx.figure('blob throughput ratio tcp relay/direct', figures.relayBlobRatio, 'x');
    ctx.figure('gateway peak RSS', memory.peakMb, 'MB');
    ctx.figure('gateway CPU per GB of blob', cpuPerGb, 'CPU-s');
    ctx.figure('node pipe CPU per GB of blob', perGb['node pipe']!.cpu, 'CPU-s');
    ctx.figure('tcp relay CPU per GB of blob', perGb['tcp relay']!.cpu, 'CPU-s');
    for (const agent of Object.values(agents)) agent.destroy();
  } finally {
    for (const reference of references) await reference.stop();
    await gatewayProcess?.stop();
    await nginx.stop();
    await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const gatewaySuite: Suite = { name: 'gateway', run };
