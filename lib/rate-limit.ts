import type { Db } from '@/lib/db/client';
import type { Sql } from '@/lib/db/sql';

/**
 * Fixed-window counters in PostgreSQL, so every replica sees the same counts.
 * Used on failure paths only (sign-in, gateway auth), never on the path of a
 * valid request.
 */
export interface WindowCount {
  count: number;
  retryAfterSeconds: number;
}

export async function hitRateLimit(db: Sql, key: string, windowSeconds: number): Promise<WindowCount> {
  const rows = await db.$queryRaw<{ count: number; window_start: Date }[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN 1 ELSE rate_limits.count + 1 END,
      window_start = CASE WHEN rate_limits.window_start <= now() - make_interval(secs => ${windowSeconds}) THEN now() ELSE rate_limits.window_start END
    RETURNING count, window_start`;
  return toWindowCount(rows[0]!, windowSeconds);
}

export async function peekRateLimit(db: Sql, key: string, windowSeconds: number): Promise<WindowCount> {
  const rows = await db.$queryRaw<{ count: number; window_start: Date }[]>`
    SELECT count, window_start FROM rate_limits
    WHERE key = ${key} AND window_start > now() - make_interval(secs => ${windowSeconds})`;
  return rows[0] ? toWindowCount(rows[0], windowSeconds) : { count: 0, retryAfterSeconds: 0 };
}

export async function resetRateLimit(db: Db, key: string): Promise<void> {
  await db.rateLimit.deleteMany({ where: { key } });
}

function toWindowCount(row: { count: number; window_start: Date }, windowSeconds: number): WindowCount {
  const endsAt = row.window_start.getTime() + windowSeconds * 1000;
  return { count: Number(row.count), retryAfterSeconds: Math.max(1, Math.ceil((endsAt - Date.now()) / 1000)) };
}
