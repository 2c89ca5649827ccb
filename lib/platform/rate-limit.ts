import 'server-only';
import ipaddr from 'ipaddr.js';
import type { Sql } from '@/lib/platform/db/sql';

/**
 * Fixed-window counters in PostgreSQL, so every replica sees the same counts.
 * Used on failure paths and for expensive work (password checks, mail),
 * never on the path of a valid registry request.
 */
export interface WindowCount {
  count: number;
  retryAfterSeconds: number;
}

/** `count`: the window's count after (or, when refused, as of) the attempt. */
export type Reservation = { ok: true; count: number } | { ok: false; count: number; retryAfterSeconds: number };

type Row = { count: number; window_start: Date };

/** Counts one event (e.g. a failure that already happened) and returns the window's count. */
export async function hitRateLimit(db: Sql, key: string, windowSeconds: number): Promise<WindowCount> {
  const rows = await db.$queryRaw<Row[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE rate_limits.count + 1 END,
      window_start = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN now() ELSE rate_limits.window_start END
    RETURNING count, window_start`;
  return toWindowCount(rows[0]!, windowSeconds);
}

/**
 * Takes one of `limit` units of `key`'s window before the caller does the
 * work it limits. Check and count are one conditional upsert, so parallel
 * callers cannot all pass a check made before anyone counted: at most
 * `limit` reservations succeed per window. Inside a transaction the row
 * stays locked until commit, even when the reservation is refused.
 */
export async function reserveRateLimit(db: Sql, key: string, limit: number, windowSeconds: number): Promise<Reservation> {
  const rows = await db.$queryRaw<Row[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE rate_limits.count + 1 END,
      window_start = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN now() ELSE rate_limits.window_start END
    WHERE rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) OR rate_limits.count < ${limit}
    RETURNING count, window_start`;
  if (rows[0]) return { ok: true, count: Number(rows[0].count) };
  return refused(db, key, windowSeconds);
}

/**
 * Takes `key`'s single slot if the last one was taken at least
 * `intervalSeconds` ago: at most one caller per interval, however many
 * arrive at once. The slot's time is kept in `window_start`.
 */
export async function reserveInterval(db: Sql, key: string, intervalSeconds: number): Promise<Reservation> {
  const rows = await db.$queryRaw<Row[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET window_start = now(), count = rate_limits.count + 1
    WHERE rate_limits.window_start <= now() - make_interval(secs => ${intervalSeconds})
    RETURNING count, window_start`;
  if (rows[0]) return { ok: true, count: Number(rows[0].count) };
  return refused(db, key, intervalSeconds);
}

/** Gives back one reserved unit (e.g. the attempt succeeded and should not count as a failure). */
export async function refundRateLimit(db: Sql, key: string): Promise<void> {
  await db.$executeRaw`UPDATE rate_limits SET count = GREATEST(count - 1, 0) WHERE key = ${key}`;
}

export async function peekRateLimit(db: Sql, key: string, windowSeconds: number): Promise<WindowCount> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT count, window_start FROM rate_limits
    WHERE key = ${key} AND window_start > now() - make_interval(secs => ${windowSeconds})`;
  return rows[0] ? toWindowCount(rows[0], windowSeconds) : { count: 0, retryAfterSeconds: 0 };
}

export async function resetRateLimit(db: Sql, key: string): Promise<void> {
  await db.$executeRaw`DELETE FROM rate_limits WHERE key = ${key}`;
}

async function refused(db: Sql, key: string, windowSeconds: number): Promise<Reservation> {
  const current = await peekRateLimit(db, key, windowSeconds);
  return { ok: false, count: current.count, retryAfterSeconds: Math.max(1, current.retryAfterSeconds) };
}

/**
 * The address as the limits count it: IPv4 (also when IPv4-mapped) as is,
 * IPv6 by its /64, since one host usually holds a whole /64.
 */
export function addressKey(ip: string | null): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  const parsed = ipaddr.process(ip);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

function toWindowCount(row: Row, windowSeconds: number): WindowCount {
  const endsAt = row.window_start.getTime() + windowSeconds * 1000;
  return { count: Number(row.count), retryAfterSeconds: Math.max(1, Math.ceil((endsAt - Date.now()) / 1000)) };
}
