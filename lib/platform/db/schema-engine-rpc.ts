import 'server-only';
import fs from 'node:fs';
import readline from 'node:readline';
import pg from 'pg';
import { openEmbeddedDatabase, parseEmbeddedMarker, type EmbeddedDatabase } from './embedded';
import { createSchemaEngine, engineVersion, type EngineHandle } from './schema-engine';

/**
 * Speaks the native schema-engine's command-line protocol on top of the WASM
 * engine, so `prisma migrate|db|diff` work with PRISMA_SCHEMA_ENGINE_BINARY
 * pointing at scripts/schema-engine.mjs:
 *
 *   BIN --version
 *   BIN --datamodels F... --datasource JSON          JSON-RPC 2.0 over stdin/stdout
 *   BIN --datasource JSON cli can-connect-to-database  result on stderr, exit code
 *   BIN --datasource JSON cli create-database
 *
 * stdout carries only RPC messages; logs go to stderr as JSON lines.
 */

interface Datasource {
  url?: string;
  shadowDatabaseUrl?: string;
}

// The CLI calls some methods by their historical names.
const METHOD_ALIASES: Record<string, string> = { getDatabaseVersion: 'version' };

function logLine(level: 'INFO' | 'ERROR', message: string, extra: Record<string, unknown> = {}): void {
  process.stderr.write(
    `${JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message, ...extra }, target: 'schema_engine::logger' })}\n`,
  );
}

function parseArgs(argv: string[]) {
  const datamodels: string[] = [];
  let datasource: Datasource = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--datamodels') datamodels.push(argv[++i]!);
    else if (arg === '--datasource') datasource = JSON.parse(argv[++i]!) as Datasource;
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++;
    else rest.push(arg);
  }
  return { datamodels, datasource, rest };
}

async function resolveUrl(url: string | undefined): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (!url) throw new Error('No datasource URL given to the schema engine.');
  const dataDir = parseEmbeddedMarker(url);
  if (!dataDir) return { url, embedded: null };
  const embedded = await openEmbeddedDatabase(dataDir);
  return { url: embedded.url, embedded };
}

function describeServer(url: string): { host: string; database: string } {
  const parsed = new URL(url);
  return { host: `${parsed.hostname}:${parsed.port || 5432}`, database: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres' };
}

async function runCliCommand(command: string, datasource: Datasource): Promise<number> {
  // The CLI skips the first stderr line before parsing the rest as JSON logs.
  process.stderr.write('schema-engine-wasm\n');
  const { url, embedded } = await resolveUrl(datasource.url);
  const { host, database } = describeServer(url);
  try {
    if (command === 'can-connect-to-database') {
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        return 0;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '3D000') logLine('ERROR', `Database \`${database}\` does not exist on the database server at \`${host}\`.`, { error_code: 'P1003' });
        else logLine('ERROR', `Can't reach database server at \`${host}\`: ${(error as Error).message}`, { error_code: 'P1001' });
        return 1;
      } finally {
        await client.end().catch(() => {});
      }
    }
    if (command === 'create-database') {
      const maintenance = new URL(url);
      maintenance.pathname = '/postgres';
      const client = new pg.Client({ connectionString: maintenance.toString() });
      try {
        await client.connect();
        await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
        return 0;
      } catch (error) {
        logLine('ERROR', `Could not create database \`${database}\`: ${(error as Error).message}`, { error_code: 'P1000' });
        return 1;
      } finally {
        await client.end().catch(() => {});
      }
    }
    logLine('ERROR', `Unsupported command: cli ${command}`);
    return 1;
  } finally {
    await embedded?.stop();
  }
}

interface RpcRequest {
  jsonrpc: '2.0';
  id: number | string;
  method: string;
  params?: unknown;
}

async function serveRpc(datamodelPaths: string[], datasource: Datasource): Promise<void> {
  const { url, embedded } = await resolveUrl(datasource.url);
  const shadow = datasource.shadowDatabaseUrl ? await resolveUrl(datasource.shadowDatabaseUrl) : null;
  // The CLI sends SIGTERM right after closing stdin: close PGlite's files cleanly.
  process.once('SIGTERM', () => {
    void Promise.allSettled([embedded?.stop(), shadow?.embedded?.stop()]).then(() => process.exit(0));
  });
  let handle: EngineHandle | null = null;
  const engine = async () => {
    handle ??= await createSchemaEngine({
      url,
      shadowUrl: shadow?.url,
      datamodels: datamodelPaths.map((file) => [file, fs.readFileSync(file, 'utf8')]),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    return handle;
  };

  const write = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const pendingPrints = new Map<string, () => void>();
  let printSeq = 0;
  // The native engine prints `migrate diff` output by asking the CLI to print it.
  const print = (content: string) =>
    new Promise<void>((resolve) => {
      const id = `print-${++printSeq}`;
      pendingPrints.set(id, resolve);
      write({ jsonrpc: '2.0', id, method: 'print', params: { content: content.replace(/\n$/, '') } });
    });

  const handle1 = async (request: RpcRequest) => {
    try {
      const { engine: instance } = await engine();
      const method = METHOD_ALIASES[request.method] ?? request.method;
      const fn = (instance as unknown as Record<string, ((params: unknown) => Promise<unknown>) | undefined>)[method];
      if (typeof fn !== 'function') {
        write({ jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `Method not found: ${request.method}` } });
        return;
      }
      let result = await fn.call(instance, request.params ?? null);
      if (method === 'diff' && result && typeof (result as { stdout?: unknown }).stdout === 'string') {
        const { stdout, ...rest } = result as { stdout: string };
        if (stdout) await print(stdout);
        result = { ...rest, stdout: null };
      }
      write({ jsonrpc: '2.0', id: request.id, result: result ?? null });
    } catch (error) {
      write({ jsonrpc: '2.0', id: request.id, error: toRpcError(error, handle) });
    }
  };

  const pending = new Set<Promise<void>>();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    const message = JSON.parse(line) as Partial<RpcRequest> & { result?: unknown };
    if (message.method === undefined && message.id !== undefined && pendingPrints.has(String(message.id))) {
      pendingPrints.get(String(message.id))!();
      pendingPrints.delete(String(message.id));
      return;
    }
    const task = handle1(message as RpcRequest).finally(() => pending.delete(task));
    pending.add(task);
  });
  // The WASM engine keeps the event loop alive: leave when the CLI closes stdin.
  await new Promise<void>((resolve) => lines.once('close', resolve));
  await Promise.allSettled(pending);
  (handle as EngineHandle | null)?.engine.free();
  await embedded?.stop();
  await shadow?.embedded?.stop();
}

function toRpcError(error: unknown, handle: EngineHandle | null) {
  const err = error as { name?: string; message?: string; code?: string; meta?: unknown };
  if (err?.name === 'RuntimeError') {
    return { code: 4466, message: 'Schema engine panicked', data: { is_panic: true, message: err.message, error: { message: err.message } } };
  }
  const driverError = handle?.lookupError(error) as { cause?: { message?: string; kind?: string }; message?: string } | undefined;
  const message = driverError?.cause?.message ?? driverError?.message ?? err?.message ?? String(error);
  return {
    code: 4466,
    message: 'An error happened. Check the data field for details.',
    data: { is_panic: false, message, error_code: err?.code, meta: err?.meta },
  };
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--version') || argv.includes('-V')) {
    process.stdout.write(`schema-engine-wasm ${await engineVersion()}\n`);
    return 0;
  }
  const { datamodels, datasource, rest } = parseArgs(argv);
  if (rest[0] === 'cli') return runCliCommand(rest[1] ?? '', datasource);
  // Anything the libraries print must not corrupt the RPC channel.
  console.log = console.info = (...args: unknown[]) => process.stderr.write(`${args.join(' ')}\n`);
  await serveRpc(datamodels, datasource);
  return 0;
}
