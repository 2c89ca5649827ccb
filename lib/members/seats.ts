import type { Db } from '@/lib/db/client';
import { ConflictError } from '@/lib/errors';

/**
 * Seats per tier until lib/features (issue 5) owns quotas: Community has 3,
 * the paid tiers are unlimited. A seat is a member or a pending invitation,
 * so invitations cannot overbook an org.
 */
export const SEAT_LIMITS: Record<string, number | null> = { community: 3, team: null, enterprise: null };

export function seatLimit(org: { tier: string }): number | null {
  return Object.hasOwn(SEAT_LIMITS, org.tier) ? (SEAT_LIMITS[org.tier] ?? null) : null;
}

export interface SeatUsage {
  members: number;
  pendingInvitations: number;
  used: number;
  limit: number | null;
}

export async function seatUsage(db: Db, org: { id: string; tier: string }, options: { excludeInvitationId?: string; now?: Date } = {}): Promise<SeatUsage> {
  const now = options.now ?? new Date();
  const [members, pendingInvitations] = await Promise.all([
    db.membership.count({ where: { orgId: org.id } }),
    db.invitation.count({
      where: {
        orgId: org.id,
        acceptedAt: null,
        revokedAt: null,
        expiresAt: { gt: now },
        ...(options.excludeInvitationId ? { id: { not: options.excludeInvitationId } } : {}),
      },
    }),
  ]);
  return { members, pendingInvitations, used: members + pendingInvitations, limit: seatLimit(org) };
}

/** Refuses when one more seat would exceed the tier's limit. Call it with the org row locked. */
export async function assertSeatAvailable(db: Db, org: { id: string; tier: string; name: string }, options: { excludeInvitationId?: string; now?: Date } = {}) {
  const usage = await seatUsage(db, org, options);
  if (usage.limit !== null && usage.used + 1 > usage.limit) {
    const tier = org.tier[0]!.toUpperCase() + org.tier.slice(1);
    throw new ConflictError(
      `${org.name}'s ${tier} plan includes ${usage.limit} seats and all are taken (${usage.members} members, ${usage.pendingInvitations} pending invitations). ` +
        'Remove a member or revoke an invitation, or upgrade for more seats.',
    );
  }
  return usage;
}
