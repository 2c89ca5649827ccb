import pg from 'pg';
import type { DatabaseDriver, Index, Records } from '@boxyhq/saml-jackson';
import { createPgPool } from '@/lib/platform/db/sql';

type SortOrder = Parameters<DatabaseDriver['getAll']>[4];

/**
 * SAML Jackson's key-value store on PostgreSQL, in its own `jackson` schema.
 *
 * Jackson's bundled SQL engine (TypeORM) creates unqualified tables, so they
 * land in `public` beside Prisma's and Prisma Migrate reports drift; it also
 * retries an unreachable database forever. Schema-qualified tables work the
 * same on a PostgreSQL server and on the embedded PGlite (which ignores a
 * per-connection search_path), and Prisma never looks outside `public`.
 * Values arrive already encrypted by Jackson (iv/tag), expired rows are
 * invisible at once and swept periodically.
 */
const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS jackson;
CREATE TABLE IF NOT EXISTS jackson.store (
  key text PRIMARY KEY,
  namespace text NOT NULL,
  value text NOT NULL,
  iv text,
  tag text,
  created_at timestamptz NOT NULL DEFAULT now(),
  modified_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz
);
CREATE INDEX IF NOT EXISTS store_namespace_created_idx ON jackson.store (namespace, created_at);
CREATE INDEX IF NOT EXISTS store_expires_idx ON jackson.store (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS jackson.store_index (
  id bigserial PRIMARY KEY,
  key text NOT NULL,
  store_key text NOT NULL REFERENCES jackson.store (key) ON DELETE CASCADE,
  UNIQUE (key, store_key)
);
CREATE INDEX IF NOT EXISTS store_index_store_key_idx ON jackson.store_index (store_key);
CREATE TABLE IF NOT EXISTS jackson.seen_assertions (
  id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
`;

const LIVE = '(s.expires_at IS NULL OR s.expires_at > now())';
const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

function dbKey(namespace: string, key: string): string {
  return `${namespace}:${key}`;
}

function indexKey(namespace: string, idx: Index): string {
  return dbKey(dbKey(namespace, idx.name), idx.value);
}

function page(pageOffset: number | undefined, pageLimit: number | undefined, maxLimit: number) {
  const offset = Number.isInteger(pageOffset) && pageOffset! > 0 ? pageOffset! : 0;
  const limit = Number.isInteger(pageLimit) && pageLimit! > 0 && pageLimit! <= maxLimit ? pageLimit! : maxLimit;
  return { offset, limit };
}

function direction(sortOrder?: SortOrder): 'ASC' | 'DESC' {
  return sortOrder === 'ASC' ? 'ASC' : 'DESC';
}

type Row = { value: string; iv: string | null; tag: string | null };
const encrypted = (row: Row) => ({ value: row.value, iv: row.iv ?? undefined, tag: row.tag ?? undefined });

export class JacksonPostgresStore implements DatabaseDriver {
  private readonly pool: pg.Pool;
  private sweepTimer: NodeJS.Timeout | null = null;
  private closed: Promise<void> | null = null;

  private constructor(
    connectionString: string,
    private readonly maxPage = 50,
  ) {
    this.pool = createPgPool(connectionString, 3, { application_name: 'portcullis-jackson' });
  }

  static async open(connectionString: string): Promise<JacksonPostgresStore> {
    const store = new JacksonPostgresStore(connectionString);
    await store.pool.query(SCHEMA_SQL);
    store.sweepTimer = setInterval(() => void store.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    store.sweepTimer.unref();
    return store;
  }

  async sweep(): Promise<number> {
    const result = await this.pool.query('DELETE FROM jackson.store WHERE expires_at <= now()');
    await this.pool.query('DELETE FROM jackson.seen_assertions WHERE expires_at <= now()');
    return result.rowCount ?? 0;
  }

  /** SAML replay cache (Portcullis' own, beside Jackson's): has this assertion id been accepted before? */
  async wasSeen(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM jackson.seen_assertions WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  /** Records an accepted assertion until it expires; false when it was already there (a concurrent replay). */
  async markSeen(id: string, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query('INSERT INTO jackson.seen_assertions (id, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [id, expiresAt]);
    return (rowCount ?? 0) > 0;
  }

  async get(namespace: string, key: string) {
    const { rows } = await this.pool.query<Row>(`SELECT value, iv, tag FROM jackson.store s WHERE key = $1 AND ${LIVE}`, [dbKey(namespace, key)]);
    return rows[0] ? encrypted(rows[0]) : null;
  }

  async getAll(namespace: string, pageOffset?: number, pageLimit?: number, _pageToken?: string, sortOrder?: SortOrder): Promise<Records> {
    const { offset, limit } = page(pageOffset, pageLimit, this.maxPage);
    const { rows } = await this.pool.query<Row>(
      `SELECT value, iv, tag FROM jackson.store s WHERE namespace = $1 AND ${LIVE} ORDER BY created_at ${direction(sortOrder)}, key OFFSET $2 LIMIT $3`,
      [namespace, offset, limit],
    );
    return { data: rows.map(encrypted) };
  }

  async getByIndex(namespace: string, idx: Index, pageOffset?: number, pageLimit?: number, _pageToken?: string, sortOrder?: SortOrder): Promise<Records> {
    const { offset, limit } = page(pageOffset, pageLimit, this.maxPage);
    const { rows } = await this.pool.query<Row>(
      `SELECT s.value, s.iv, s.tag FROM jackson.store_index i JOIN jackson.store s ON s.key = i.store_key
       WHERE i.key = $1 AND ${LIVE} ORDER BY i.id ${direction(sortOrder)} OFFSET $2 LIMIT $3`,
      [indexKey(namespace, idx), offset, limit],
    );
    return { data: rows.map(encrypted) };
  }

  async getCount(namespace: string, idx?: Index): Promise<number> {
    const { rows } = idx
      ? await this.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM jackson.store_index i JOIN jackson.store s ON s.key = i.store_key WHERE i.key = $1 AND ${LIVE}`,
          [indexKey(namespace, idx)],
        )
      : await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM jackson.store s WHERE namespace = $1 AND ${LIVE}`, [namespace]);
    return Number(rows[0]?.n ?? 0);
  }

  async put(namespace: string, key: string, val: { value: string; iv?: string; tag?: string }, ttl = 0, ...indexes: Index[]) {
    const k = dbKey(namespace, key);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO jackson.store (key, namespace, value, iv, tag, expires_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int > 0 THEN now() + make_interval(secs => $6::int) END)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, iv = EXCLUDED.iv, tag = EXCLUDED.tag,
           expires_at = EXCLUDED.expires_at, modified_at = now()`,
        [k, namespace, val.value, val.iv ?? null, val.tag ?? null, Math.ceil(ttl)],
      );
      for (const idx of indexes) {
        await client.query('INSERT INTO jackson.store_index (key, store_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [indexKey(namespace, idx), k]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async delete(namespace: string, key: string) {
    await this.pool.query('DELETE FROM jackson.store WHERE key = $1', [dbKey(namespace, key)]);
  }

  async deleteMany(namespace: string, keys: string[]) {
    if (keys.length === 0) return;
    await this.pool.query('DELETE FROM jackson.store WHERE key = ANY($1::text[])', [keys.map((key) => dbKey(namespace, key))]);
  }

  async close() {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.closed ??= this.pool.end();
    await this.closed;
  }

  getStats(): Record<string, number> {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }
}
