import 'server-only';
import type { Db } from '@/lib/platform/db/client';
import type { LimitKey } from './tiers';

/** Usage counted against quotas. Months are calendar months in UTC. */

export function monthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

const API_CALLS_PREFIX = 'quota:api_calls:';

/** Seats: members plus invitations still open (they take a seat when accepted). */
export async function seatUsage(db: Db, orgId: string, now = new Date()): Promise<{ members: number; invitations: number; total: number }> {
  const [members, invitations] = await Promise.all([
    db.membership.count({ where: { orgId } }),
    db.invitation.count({ where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } } }),
  ]);
  return { members, invitations, total: members + invitations };
}

export async function quotaUsage(db: Db, orgId: string, quota: LimitKey, now = new Date()): Promise<number | undefined> {
  switch (quota) {
    case 'seats':
      return (await seatUsage(db, orgId, now)).total;
    case 'pulls_per_month':
      return db.pullEvent.count({ where: { orgId, outcome: 'success', counted: true, occurredAt: { gte: monthStart(now) } } });
    case 'api_calls_per_month': {
      const row = await db.rateLimit.findUnique({ where: { key: `${API_CALLS_PREFIX}${orgId}` } });
      return row && row.windowStart.getTime() === monthStart(now).getTime() ? row.count : 0;
    }
    case 'nodes':
      return undefined; // counted by the self-hosted product, not here
  }
}

/** Counts one entitlements-API call for the org this month (one upsert, safe across replicas). */
export async function recordApiCall(db: Db, orgId: string, now = new Date()): Promise<number> {
  const month = monthStart(now);
  const rows = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${`${API_CALLS_PREFIX}${orgId}`}, ${month}, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rate_limits.window_start = EXCLUDED.window_start THEN rate_limits.count + 1 ELSE 1 END,
      window_start = EXCLUDED.window_start
    RETURNING count`;
  return rows[0]!.count;
}
