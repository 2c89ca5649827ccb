import pg from 'pg';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * What a raw-SQL service needs from a database: tagged-template queries with
 * bound parameters. Prisma's client and its transactions have it, and so does
 * `createSqlPool`, a bare pg pool for the registry gateway: services written
 * against `Sql` (credential checks, rate limits, pull logging, audit records)
 * run unchanged in both, and the gateway process never loads Prisma's query
 * compiler, whose WASM memory (about 50 MB) never shrinks.
 *
 * Values are bound, never spliced. Pass JSON as a string with a `::jsonb`
 * cast and timestamps as `sqlTimestamp(date)` with `::timestamp`, so both
 * implementations send the same text.
 */
export interface Sql {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

/** A database that also runs transactions: Prisma's client, or a pool from `createSqlPool`. */
export interface SqlDatabase extends Sql {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  $transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export interface SqlPool extends SqlDatabase {
  end(): Promise<void>;
}

/** Timestamps are stored as UTC without a zone; ISO text without the `Z` casts to exactly that. */
export function sqlTimestamp(date: Date): string {
  return date.toISOString().replace('Z', '');
}

const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

// As Prisma reads them: `timestamp` columns hold UTC, int8 is a bigint.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMP_OID) return (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
    if (oid === INT8_OID) return (text: string) => BigInt(text);
    return pg.types.getTypeParser(oid, format);
  },
};

function bind(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(bind);
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    throw new TypeError('Sql: bind JSON as a string (JSON.stringify(...)::jsonb); SQL fragments are not supported');
  }
  return value;
}

function statement(query: TemplateStringsArray, values: unknown[]): { text: string; values: unknown[] } {
  let text = query[0]!;
  for (let i = 1; i < query.length; i++) text += `$${i}${query[i]}`;
  return { text, values: values.map(bind) };
}

function over(run: (text: string, values: unknown[]) => Promise<pg.QueryResult>): Sql {
  return {
    async $queryRaw<T>(query: TemplateStringsArray, ...values: unknown[]) {
      const { text, values: bound } = statement(query, values);
      return (await run(text, bound)).rows as T;
    },
    async $executeRaw(query: TemplateStringsArray, ...values: unknown[]) {
      const { text, values: bound } = statement(query, values);
      return (await run(text, bound)).rowCount ?? 0;
    },
  };
}

const STALL_GRACE_MS = 1_000;

/**
 * How long one statement may take: the server cancels it after this
 * (`statement_timeout`), and if no answer arrives a second later the
 * connection itself is stalled (a hung server, a network partition) and is
 * closed, failing its queries at once; the pool opens a fresh one when the
 * database is back. DATABASE_QUERY_TIMEOUT_MS, default 5 s; 0 turns both off.
 */
export function queryTimeoutMs(source?: EnvSource): number {
  return env('DATABASE_QUERY_TIMEOUT_MS', source);
}

export interface PgPoolOptions extends Pick<pg.PoolConfig, 'types' | 'application_name'> {
  /** Default: DATABASE_QUERY_TIMEOUT_MS. */
  queryTimeoutMs?: number;
}

/**
 * pg's own `query_timeout` rejects the caller but leaves the query active on
 * its connection, so the next query on that connection (a transaction's
 * ROLLBACK, the next checkout) waits behind it for the whole stall. Closing
 * the connection instead fails everything queued on it and makes the pool
 * drop it.
 */
function closeWhenStalled(client: pg.PoolClient, ms: number): void {
  const query = client.query;
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    const timer = setTimeout(() => {
      (client as unknown as { connection: { stream: { destroy(error: Error): void } } }).connection.stream.destroy(
        new Error(`the database did not answer within ${ms} ms`),
      );
    }, ms);
    timer.unref();
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const callback = args[last] as (...result: unknown[]) => void;
      args[last] = (...result: unknown[]) => {
        clearTimeout(timer);
        callback(...result);
      };
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    }
    const result = (query as (...a: unknown[]) => unknown).apply(this, args) as PromiseLike<unknown> | undefined;
    if (result && typeof result.then === 'function') result.then(() => clearTimeout(timer), () => clearTimeout(timer));
    else clearTimeout(timer);
    return result;
  } as typeof client.query;
}

/** A pg pool as every process here opens one: for Prisma's adapter, `createSqlPool` and Jackson's store. */
export function createPgPool(url: string, max: number, options: PgPoolOptions = {}): pg.Pool {
  const { queryTimeoutMs: timeout = queryTimeoutMs(), ...config } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    ...config,
    // Fail fast when the database is gone instead of queueing forever (also bounds the wait for a pooled connection).
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    ...(timeout > 0 ? { statement_timeout: timeout } : {}),
  });
  pool.on('connect', (client) => {
    // A connection that breaks while checked out but between queries (a closed stall, a restarted server)
    // fails its next query and is dropped on release; unheard, the error event would end the process.
    client.on('error', () => {});
    if (timeout > 0) closeWhenStalled(client, timeout + STALL_GRACE_MS);
  });
  // An idle connection the server dropped is replaced on next use; without a listener the error would crash the process.
  pool.on('error', () => {});
  return pool;
}

export function createSqlPool(url: string, max: number, options: Omit<PgPoolOptions, 'types'> = {}): SqlPool {
  const pool = createPgPool(url, max, { ...options, types });
  return {
    ...over((text, values) => pool.query(text, values)),
    async $transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(over((text, values) => client.query(text, values)));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    end: () => pool.end(),
  };
}
