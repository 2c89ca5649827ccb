import 'server-only';
import type { Db } from '@/lib/platform/db/client';
import { assertQuota, getQuotaStatus, type QuotaStatus } from '@/lib/plans/quotas';
import { seatUsage } from '@/lib/plans/usage';

/**
 * Seats as lib/plans counts them (members plus open invitations, limits
 * from the tier or the current license). Invitations take their seat when
 * sent, so accepting one adds nothing.
 */

export interface SeatStatus {
  members: number;
  invitations: number;
  used: number;
  /** null: unlimited. */
  limit: number | null;
  level: QuotaStatus['level'];
}

export async function seatStatus(db: Db, orgId: string, now = new Date()): Promise<SeatStatus> {
  const [usage, quotas] = await Promise.all([seatUsage(db, orgId, now), getQuotaStatus(db, orgId, now)]);
  const seats = quotas.find((quota) => quota.key === 'seats');
  return { members: usage.members, invitations: usage.invitations, used: usage.total, limit: seats?.limit ?? null, level: seats?.level ?? 'ok' };
}

/** Refuses (409, with the reason and the way out) when `adding` more seats would exceed the limit. Call with the org row locked. */
export async function assertSeatAvailable(db: Db, orgId: string, adding: number, now = new Date()): Promise<void> {
  await assertQuota(db, orgId, 'seats', adding, now);
}
