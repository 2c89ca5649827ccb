import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { env } from '../config/env';

/**
 * The zero-setup database: PostgreSQL 17 compiled to WASM (PGlite), served on
 * a loopback port over the wire protocol so Prisma, the gateway and the CLI
 * talk to it exactly as they talk to a real server.
 *
 * A data directory is opened by one process at a time. That process (the
 * owner) writes `<dir>.server.json` with its pid and port; any other process
 * that wants the same database connects to that port instead of opening the
 * files, and takes over when the owner is gone.
 */

export interface EmbeddedDatabase {
  url: string;
  /** True when this process opened the data directory. */
  owner: boolean;
  stop(): Promise<void>;
}

interface ServerInfo {
  pid: number;
  port: number;
}

export const EMBEDDED_HOST = 'pglite.embedded';

export function defaultDataDir(): string {
  return path.resolve(env('PORTCULLIS_DATA_DIR'));
}

/** The URL the Prisma CLI is given when DATABASE_URL is unset; only the schema-engine shim understands it. */
export function embeddedMarkerUrl(dataDir = defaultDataDir()): string {
  return `postgresql://postgres@${EMBEDDED_HOST}/postgres?dir=${encodeURIComponent(dataDir)}`;
}

export function parseEmbeddedMarker(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.hostname !== EMBEDDED_HOST) return null;
    return parsed.searchParams.get('dir') ?? defaultDataDir();
  } catch {
    return null;
  }
}

function urlFor(port: number): string {
  return `postgresql://postgres@127.0.0.1:${port}/postgres`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function runningServer(dataDir: string): Promise<ServerInfo | null> {
  const info = readJson<ServerInfo>(`${dataDir}.server.json`);
  if (!info || info.pid === process.pid || !processAlive(info.pid)) return null;
  return (await portAnswers(info.port)) ? info : null;
}

function tryLock(lockFile: string): boolean {
  try {
    fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(fs.readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) return false;
    // The previous owner died without cleaning up.
    fs.rmSync(lockFile, { force: true });
    return tryLock(lockFile);
  }
}

async function serve(db: PGlite, port: number): Promise<{ server: PGLiteSocketServer; port: number }> {
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 100 });
  keepExtendedQueriesWhole(server);
  routeNotifications(server);
  await server.start();
  const actualPort = Number(server.getServerConn().split(':').pop());
  return { server, port: actualPort };
}

interface SocketServerInternals {
  queryQueue: { db: PGlite; enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> };
  handlers: Set<{ handlerId: number; socket: net.Socket | null }>;
}

// Protocol message types (the first byte; startup messages have none and begin with 0).
const QUERY = 0x51; // 'Q'
const SYNC = 0x53; // 'S'
const TERMINATE = 0x58; // 'X'
const NOTIFICATION_RESPONSE = 0x41; // 'A'

/**
 * pglite-socket runs one connection's messages at a time, keeping a
 * connection's turn only inside an explicit transaction. An extended-protocol
 * query is several messages (Parse, Bind, Describe, Execute, then Sync), and
 * when its Bind arrives in a later socket read (a long parameter), another
 * connection's Parse could run in between on the shared session and replace
 * the unnamed statement: "bind message supplies 3 parameters, but prepared
 * statement "" requires 2". The queue's view of the database counts a
 * connection as in a transaction from its first extended message until its
 * Sync, so nothing runs in between.
 */
function keepExtendedQueriesWhole(server: PGLiteSocketServer): void {
  const queue = (server as unknown as SocketServerInternals).queryQueue;
  const db = queue.db;
  let midQuery = false;
  queue.db = new Proxy(db, {
    get(target, property) {
      if (property === 'isInTransaction') return () => midQuery || target.isInTransaction();
      if (property === 'execProtocolRawStream') {
        return (message: Uint8Array, options: Parameters<PGlite['execProtocolRawStream']>[1]) => {
          const type = message[0];
          midQuery = type !== SYNC && type !== QUERY && type !== TERMINATE && type !== 0;
          return target.execProtocolRawStream(message, options);
        };
      }
      // The queue rolls back for a connection that left mid-transaction (or mid-query).
      if (property === 'exec') {
        return (...args: Parameters<PGlite['exec']>) => {
          midQuery = false;
          return target.exec(...args);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * PGlite is one PostgreSQL session that every socket connection shares, so a
 * NOTIFY comes back to the connection that committed it, never to the one
 * that ran LISTEN. This routes NotificationResponse messages to the
 * connections listening on their channel, as a real server does: the
 * gateway's caches drop revoked tokens on these. It reaches into
 * pglite-socket's internals (version pinned); embedded.db.test.ts breaks if
 * they change.
 * UNLISTEN still reaches the shared session, so it stops the channel for all
 * (nothing here sends it).
 */
function routeNotifications(server: PGLiteSocketServer): void {
  const internals = server as unknown as SocketServerInternals;
  const queue = internals.queryQueue;
  const enqueue = queue.enqueue.bind(queue);
  const channels = new Map<number, Set<string>>();

  const deliver = (message: Buffer) => {
    const channel = message.toString('utf8', 9, message.indexOf(0, 9));
    for (const handler of internals.handlers) {
      if (channels.get(handler.handlerId)?.has(channel) && handler.socket?.writable) handler.socket.write(message);
    }
  };

  queue.enqueue = (handlerId, message, onData) => {
    // Startup and SSL requests (no type byte) are answered in their own format.
    if (message[0] === 0) return enqueue(handlerId, message, onData);
    if (message[0] === QUERY) {
      const text = Buffer.from(message.buffer, message.byteOffset + 5, message.length - 6).toString();
      const command = /^\s*(UN)?LISTEN\s+("?)([\w$]+)\2\s*;?\s*$/i.exec(text);
      if (command) {
        for (const id of channels.keys()) if (![...internals.handlers].some((h) => h.handlerId === id)) channels.delete(id);
        const mine = channels.get(handlerId) ?? new Set<string>();
        // Unquoted names fold to lower case, as PostgreSQL folds them.
        const channel = command[2] ? command[3]! : command[3]!.toLowerCase();
        if (command[1]) mine.delete(channel);
        else mine.add(channel);
        channels.set(handlerId, mine);
      }
    }
    let pending: Buffer | null = null; // an incomplete message, copied: PGlite may reuse its output buffer
    return enqueue(handlerId, message, (data) => {
      const chunk = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      const buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
      // Runs of other messages are passed on as views; only notifications are cut out.
      const out: Buffer[] = [];
      let run = 0;
      let offset = 0;
      while (buffer.length - offset >= 5) {
        const end = offset + 1 + buffer.readInt32BE(offset + 1);
        if (end > buffer.length) break;
        if (buffer[offset] === NOTIFICATION_RESPONSE) {
          if (offset > run) out.push(buffer.subarray(run, offset));
          deliver(Buffer.from(buffer.subarray(offset, end)));
          run = end;
        }
        offset = end;
      }
      if (offset > run) out.push(buffer.subarray(run, offset));
      pending = offset < buffer.length ? Buffer.from(buffer.subarray(offset)) : null;
      if (out.length) onData(out.length === 1 ? out[0]! : Buffer.concat(out));
    });
  };
}

/** An in-memory database for tests and shadow databases: nothing touches disk. */
export async function startEphemeralDatabase(): Promise<EmbeddedDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  const { server, port } = await serve(db, 0);
  return {
    url: urlFor(port),
    owner: true,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Opens (or joins) the persistent embedded database in `dataDir`.
 * `port` 0 picks a free port.
 */
export async function openEmbeddedDatabase(dataDir = defaultDataDir(), port = 0): Promise<EmbeddedDatabase> {
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const lockFile = `${dataDir}.lock`;
  const infoFile = `${dataDir}.server.json`;
  const deadline = Date.now() + 60_000;

  for (;;) {
    const running = await runningServer(dataDir);
    if (running) {
      return { url: urlFor(running.port), owner: false, stop: async () => {} };
    }
    if (tryLock(lockFile)) break;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for the embedded database in ${dataDir} (lock held by another process)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await PGlite.create(dataDir);
    const served = await serve(db, port);
    fs.writeFileSync(infoFile, JSON.stringify({ pid: process.pid, port: served.port } satisfies ServerInfo));
    let stopped = false;
    const release = () => {
      fs.rmSync(infoFile, { force: true });
      fs.rmSync(lockFile, { force: true });
    };
    process.once('exit', release);
    return {
      url: urlFor(served.port),
      owner: true,
      async stop() {
        if (stopped) return;
        stopped = true;
        await served.server.stop();
        await db.close();
        release();
        process.removeListener('exit', release);
      },
    };
  } catch (error) {
    fs.rmSync(lockFile, { force: true });
    throw error;
  }
}
