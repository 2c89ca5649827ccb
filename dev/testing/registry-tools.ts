import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Real registry peers for interop tests and the benchmark, from Debian's
 * packages: CNCF distribution (`docker-registry`), skopeo, podman, nginx and
 * htpasswd. Missing ones are installed with apt-get when we are root;
 * otherwise callers skip with the reason this returns.
 */
const REGISTRY_PACKAGES: Record<string, string> = {
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  podman: 'podman',
  nginx: 'nginx-light',
  htpasswd: 'apache2-utils',
  dockerd: 'docker.io',
};

function which(binary: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const candidate = path.join(dir, binary);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

let installAttempted = false;

/** Ensures the given tools exist, installing their packages once if possible. */
export function ensureRegistryTools(binaries: string[] = Object.keys(REGISTRY_PACKAGES)): { ok: true } | { ok: false; reason: string } {
  let missing = binaries.filter((b) => !which(b));
  if (missing.length && !installAttempted && process.getuid?.() === 0 && which('apt-get')) {
    installAttempted = true;
    const packages = [...new Set(missing.map((b) => REGISTRY_PACKAGES[b] ?? b))];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const run = (args: string[]) => spawnSync('apt-get', args, { env, stdio: 'ignore', timeout: 600_000 });
    if (run(['install', '-y', '-o', 'DPkg::Lock::Timeout=300', '--no-install-recommends', ...packages]).status !== 0) {
      run(['update', '-qq']);
      run(['install', '-y', '-o', 'DPkg::Lock::Timeout=300', '--no-install-recommends', ...packages]);
    }
    missing = binaries.filter((b) => !which(b));
  }
  if (missing.length === 0) return { ok: true };
  const why = process.getuid?.() === 0 ? 'apt-get could not install them' : 'not root, so they cannot be installed here';
  return { ok: false, reason: `${missing.join(', ')} missing (${why}; apt-get install ${missing.map((b) => REGISTRY_PACKAGES[b] ?? b).join(' ')})` };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `portcullis-${prefix}-`));
}

export async function waitForHttp(url: string, timeoutMs = 15_000, accept = (status: number) => status < 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (accept(response.status)) return;
      last = new Error(`status ${response.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up: ${String(last)}`);
}

export interface RunningProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill(signal);
  });
}

function capture(child: ChildProcess): () => string {
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => output;
}

/**
 * Spawns a server and waits until 127.0.0.1:port answers on /v2/. If it never
 * does, the child is stopped and the error names the server, with its output
 * and whatever `diagnostics` adds.
 */
async function startServing(name: string, binary: string, args: string[], port: number, diagnostics = () => ''): Promise<Omit<RunningProcess, 'stop'>> {
  const child = spawn(which(binary)!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = capture(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/v2/`);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${name} did not start: ${String(error)}\n${output()}${diagnostics()}`);
  }
  return { url, child, output };
}

/** htpasswd line with bcrypt (what distribution requires). */
function htpasswdLine(user: string, password: string, algorithm: '-B' | '-m' = '-B'): string {
  return execFileSync('htpasswd', ['-nbi', algorithm, user], { input: password }).toString().trim();
}

/** CNCF distribution on 127.0.0.1:port, storage in a fresh temp dir, optionally htpasswd auth. */
export async function startDistribution(options: {
  port: number;
  auth?: { user: string; password: string };
  /** Docker token auth instead (see dev/testing/token-server.ts). */
  tokenAuth?: { realm: string; service: string; issuer: string; certFile: string };
  dir?: string;
}): Promise<RunningProcess & { dir: string }> {
  const dir = options.dir ?? tempDir('registry');
  const htpasswdFile = path.join(dir, 'htpasswd');
  if (options.auth) fs.writeFileSync(htpasswdFile, `${htpasswdLine(options.auth.user, options.auth.password)}\n`);
  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  cache:',
    '    blobdescriptor: inmemory',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${options.port}`,
    ...(options.auth ? ['auth:', '  htpasswd:', '    realm: upstream', `    path: ${htpasswdFile}`] : []),
    ...(options.tokenAuth
      ? [
          'auth:',
          '  token:',
          `    realm: ${options.tokenAuth.realm}`,
          `    service: ${options.tokenAuth.service}`,
          `    issuer: ${options.tokenAuth.issuer}`,
          `    rootcertbundle: ${options.tokenAuth.certFile}`,
        ]
      : []),
  ].join('\n');
  const configFile = path.join(dir, 'config.yml');
  fs.writeFileSync(configFile, `${config}\n`);
  const { url, child, output } = await startServing('docker-registry', 'docker-registry', ['serve', configFile], options.port);
  return { url, dir, child, output, stop: () => stopChild(child) };
}

/** nginx with Basic auth in front of an upstream, for the benchmark's baseline. */
export async function startNginxBasicAuth(options: { port: number; upstream: string; user: string; password: string }): Promise<RunningProcess> {
  const dir = tempDir('nginx');
  // nginx's workers run as an unprivileged user and must read the password file.
  fs.chmodSync(dir, 0o755);
  fs.writeFileSync(path.join(dir, 'htpasswd'), `${htpasswdLine(options.user, options.password, '-m')}\n`, { mode: 0o644 });
  const upstream = new URL(options.upstream).host;
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream registry { server ${upstream}; keepalive 64; }
  server {
    listen 127.0.0.1:${options.port};
    client_max_body_size 0;
    location /v2/ {
      auth_basic "registry";
      auth_basic_user_file ${dir}/htpasswd;
      proxy_pass http://registry;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "";
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`;
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const { url, child, output } = await startServing('nginx', 'nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], options.port, () => `\n${fs.readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
  return { url, child, output, stop: () => stopChild(child, 'SIGQUIT') };
}

export interface RunningDocker {
  /** Runs the docker CLI (Debian's /usr/bin/docker, not whatever comes first on PATH) against this daemon. */
  docker(args: string[], options?: { timeoutMs?: number; input?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Stores credentials as a past `docker login` would have (config.json), without asking the registry now. */
  rememberLogin(registry: string, user: string, password: string): void;
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real dockerd as docker users run it, in a sandbox without iptables or a
 * bridge: vfs storage, its own data root and socket under a temp dir.
 * Loopback registries are insecure-allowed by default, so plain HTTP works.
 */
export async function startDockerd(): Promise<RunningDocker> {
  const dir = tempDir('dockerd');
  const socket = path.join(dir, 'docker.sock');
  const args = [
    '--iptables=false', '--ip6tables=false', '--bridge=none', '--storage-driver=vfs',
    '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'),
    '-H', `unix://${socket}`, '--pidfile', path.join(dir, 'docker.pid'),
  ];
  const child = spawn(which('dockerd')!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = capture(child);
  const docker = (cliArgs: string[], { timeoutMs = 120_000, input }: { timeoutMs?: number; input?: string } = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const cli = spawn('/usr/bin/docker', ['-H', `unix://${socket}`, ...cliArgs], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DOCKER_CONFIG: path.join(dir, 'config') } });
      cli.stdin.end(input ?? '');
      let stdout = '';
      let stderr = '';
      cli.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      cli.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => cli.kill('SIGKILL'), timeoutMs);
      cli.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  const stop = async () => {
    await stopChild(child, 'SIGTERM', 15_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 })).code === 0) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`dockerd did not start:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const rememberLogin = (registry: string, user: string, password: string) => {
    fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
    const auth = Buffer.from(`${user}:${password}`).toString('base64');
    fs.writeFileSync(path.join(dir, 'config', 'config.json'), JSON.stringify({ auths: { [registry]: { auth } } }), { mode: 0o600 });
  };
  return { docker, rememberLogin, output, stop };
}
