import 'server-only';
import { prisma, type Db } from '@/lib/platform/db/client';
import { getSetting } from '@/lib/platform/settings';
import { tierAbove } from './decide';
import { currentLicense, effectiveLimits } from './license';
import { QuotaExceededError } from './errors';
import { LIMIT_KEYS, LIMIT_LABELS, TIERS, tierLabel, tierOf, type LimitKey } from './tiers';
import { monthStart, quotaUsage, seatUsage } from './usage';

export const DEFAULT_WARNING_THRESHOLD = 0.8;

/** The share of a quota at which the portal and the dashboard warn (setting `quotas.warningThreshold`, 0–1). */
export async function warningThreshold(db: Db = prisma): Promise<number> {
  const value = await getSetting(db, 'quotas.warningThreshold', DEFAULT_WARNING_THRESHOLD);
  return value > 0 && value <= 1 ? value : DEFAULT_WARNING_THRESHOLD;
}

/** A customer's own threshold when staff set one, else the setting. */
export async function orgWarningThreshold(db: Db, own: number | null | undefined): Promise<number> {
  return own !== null && own !== undefined && own > 0 && own <= 1 ? own : warningThreshold(db);
}

export type QuotaLevel = 'ok' | 'warning' | 'exceeded';

export interface QuotaStatus {
  key: LimitKey;
  label: string;
  unit: string;
  used: number;
  /** null: unlimited. */
  limit: number | null;
  ratio: number | null;
  level: QuotaLevel;
}

export function quotaLevel(used: number, limit: number | null, threshold: number): QuotaLevel {
  if (limit === null) return 'ok';
  if (used >= limit) return 'exceeded';
  return used >= limit * threshold ? 'warning' : 'ok';
}

/** Usage against every measurable quota of the org (no permission check: callers authorize). */
export async function getQuotaStatus(db: Db, orgId: string, now = new Date()): Promise<QuotaStatus[]> {
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { tier: true, quotaLimits: true, quotaWarningThreshold: true } });
  const [license, threshold] = await Promise.all([currentLicense(db, orgId, now), orgWarningThreshold(db, org.quotaWarningThreshold)]);
  const limits = effectiveLimits(org.tier, license, org.quotaLimits);
  const out: QuotaStatus[] = [];
  for (const key of LIMIT_KEYS) {
    const used = await quotaUsage(db, orgId, key, now);
    if (used === undefined) continue;
    const limit = limits[key];
    out.push({ key, ...LIMIT_LABELS[key], used, limit, ratio: limit ? used / limit : limit === 0 ? 1 : null, level: quotaLevel(used, limit, threshold) });
  }
  return out;
}

/**
 * Refuses to go over a quota, with the reason in words. Call it inside the
 * transaction that adds the usage (inviting a member adds a seat).
 */
export async function assertQuota(db: Db, orgId: string, quota: LimitKey, adding = 1, now = new Date()): Promise<void> {
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { name: true, tier: true, quotaLimits: true } });
  const limits = effectiveLimits(org.tier, await currentLicense(db, orgId, now), org.quotaLimits);
  const limit = limits[quota];
  if (limit === null) return;
  const tier = tierOf(org.tier);
  if (quota === 'seats') {
    const seats = await seatUsage(db, orgId, now);
    if (seats.total + adding <= limit) return;
    const next = tierAbove(tier, 'seats', seats.total);
    const detail = seats.invitations ? `${seats.members} members and ${seats.invitations} open invitation${seats.invitations === 1 ? '' : 's'}` : `${seats.members} member${seats.members === 1 ? '' : 's'}`;
    throw new QuotaExceededError(
      `${org.name} is on the ${tierLabel(tier)} plan, which allows up to ${limit} seat${limit === 1 ? '' : 's'}, and already has ${detail}. ${
        next ? `Upgrade to ${tierLabel(next)} (${TIERS[next].limits.seats === null ? 'unlimited seats' : `up to ${TIERS[next].limits.seats} seats`}) or` : 'Please'
      } remove a member or revoke an invitation first.`,
      'seats',
      seats.total,
      limit,
    );
  }
  const used = (await quotaUsage(db, orgId, quota, now)) ?? 0;
  if (used + adding <= limit) return;
  const next = tierAbove(tier, quota, used);
  throw new QuotaExceededError(
    `${org.name} has used ${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} ${LIMIT_LABELS[quota].unit} on the ${tierLabel(tier)} plan${
      next ? `; upgrade to ${tierLabel(next)} for more` : ''
    }.`,
    quota,
    used,
    limit,
  );
}

export interface QuotaWarning {
  orgId: string;
  name: string;
  slug: string;
  tier: string;
  quota: LimitKey;
  label: string;
  used: number;
  limit: number;
  level: Exclude<QuotaLevel, 'ok'>;
}

/**
 * Organizations at or over the warning threshold of a seat or pull quota, for
 * the staff dashboard. Uses tier defaults and limits staff set per customer
 * (licensed deals are checked per org in the portal); a few grouped queries, not one per org.
 */
export async function quotaWarnings(db: Db = prisma, now = new Date(), take = 20): Promise<QuotaWarning[]> {
  const threshold = await warningThreshold(db);
  const [orgs, members, invitations, pulls] = await Promise.all([
    db.organization.findMany({ where: { status: 'active' }, select: { id: true, name: true, slug: true, tier: true, quotaLimits: true, quotaWarningThreshold: true } }),
    db.membership.groupBy({ by: ['orgId'], _count: { _all: true } }),
    db.invitation.groupBy({ by: ['orgId'], where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }, _count: { _all: true } }),
    db.pullEvent.groupBy({ by: ['orgId'], where: { outcome: 'success', counted: true, occurredAt: { gte: monthStart(now) } }, _count: { _all: true } }),
  ]);
  const count = (rows: { orgId: string | null; _count: { _all: number } }[]) => new Map(rows.map((row) => [row.orgId, row._count._all]));
  const seatCounts = count(members);
  const inviteCounts = count(invitations);
  const pullCounts = count(pulls);
  const out: QuotaWarning[] = [];
  for (const org of orgs) {
    const limits = effectiveLimits(org.tier, null, org.quotaLimits);
    const orgThreshold = org.quotaWarningThreshold && org.quotaWarningThreshold > 0 && org.quotaWarningThreshold <= 1 ? org.quotaWarningThreshold : threshold;
    const checks: [LimitKey, number][] = [
      ['seats', (seatCounts.get(org.id) ?? 0) + (inviteCounts.get(org.id) ?? 0)],
      ['pulls_per_month', pullCounts.get(org.id) ?? 0],
    ];
    for (const [quota, used] of checks) {
      const limit = limits[quota];
      const level = quotaLevel(used, limit, orgThreshold);
      if (level !== 'ok' && limit !== null) out.push({ orgId: org.id, name: org.name, slug: org.slug, tier: org.tier, quota, label: LIMIT_LABELS[quota].label, used, limit, level });
    }
  }
  return out.sort((a, b) => b.used / b.limit - a.used / a.limit).slice(0, take);
}
