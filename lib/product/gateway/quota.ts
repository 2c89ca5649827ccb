import 'server-only';
import { publicUrl } from '@/lib/platform/config/public-url';
import type { Sql } from '@/lib/platform/db/sql';
import { effectiveLimits } from '@/lib/plans/limits';
import { TIERS, tierOf, type Tier } from '@/lib/plans/tiers';
import { monthStart } from '@/lib/plans/usage';
import { env } from '@/lib/platform/config/env';

/**
 * The monthly pull quota at the gateway, in raw SQL (no Prisma). The count
 * lives in PostgreSQL (`pull_quota_usage`, one row per customer and month,
 * added to by the pull log's flush in the transaction that writes the
 * events), so it survives restarts and every replica shares it. The request
 * path reads one row per customer at most every `ttlMs` (and again at once
 * when staff change the customer: the registry change channel), and adds the
 * pulls this replica counted since; between reads other replicas' pulls are
 * not seen, which the grace absorbs. Past limit + grace, manifest requests
 * are refused with TOOMANYREQUESTS and a message docker prints in full.
 */

export const DEFAULT_PULL_GRACE_PERCENT = 10;
export const DEFAULT_WARNING_THRESHOLD = 0.8;

export interface PullQuota {
  orgId: string;
  slug: string;
  tier: Tier;
  /** null: unlimited. */
  limit: number | null;
  /** Refused at this many pulls (limit plus grace). */
  hardLimit: number | null;
  /** Admins and staff are warned at this many. */
  warnAt: number | null;
  graceFraction: number;
  threshold: number;
  /** Counted pulls this month as of `loadedAt` (all replicas). */
  used: number;
  month: number;
  loadedAt: number;
}

interface Row {
  slug: string;
  tier: string;
  quota_limits: unknown;
  quota_warning_threshold: number | null;
  pull_grace_percent: number | null;
  license_tier: string | null;
  license_limits: unknown;
  pulls: number | null;
  threshold_setting: unknown;
  grace_setting: unknown;
}

/** One statement: the customer, its current license's limits, this month's count and the two settings. */
export async function loadPullQuota(db: Sql, orgId: string, now = new Date()): Promise<PullQuota | null> {
  const month = monthStart(now);
  const rows = await db.$queryRaw<Row[]>`
    SELECT o.slug, o.tier, o.quota_limits, o.quota_warning_threshold, o.pull_grace_percent,
           l.tier AS license_tier, l.limits AS license_limits, u.pulls,
           (SELECT value FROM settings WHERE key = 'quotas.warningThreshold') AS threshold_setting,
           (SELECT value FROM settings WHERE key = 'quotas.pullGracePercent') AS grace_setting
    FROM organizations o
    LEFT JOIN LATERAL (
      SELECT tier, limits FROM license_keys
      WHERE org_id = o.id AND revoked_at IS NULL AND not_before <= (now() AT TIME ZONE 'UTC')
      ORDER BY expires_at + make_interval(days => grace_days) DESC LIMIT 1
    ) l ON true
    LEFT JOIN pull_quota_usage u ON u.org_id = o.id AND u.month = ${month.toISOString().slice(0, 10)}::date
    WHERE o.id = ${orgId}`;
  const row = rows[0];
  if (!row) return null;
  const tier = tierOf(row.tier);
  const limits = effectiveLimits(tier, row.license_tier ? { tier: row.license_tier, limits: row.license_limits } : null, row.quota_limits);
  const limit = limits.pulls_per_month;
  const threshold = validThreshold(row.quota_warning_threshold) ?? validThreshold(row.threshold_setting) ?? DEFAULT_WARNING_THRESHOLD;
  const gracePercent = validPercent(row.pull_grace_percent) ?? validPercent(row.grace_setting) ?? DEFAULT_PULL_GRACE_PERCENT;
  return {
    orgId,
    slug: row.slug,
    tier,
    limit,
    hardLimit: limit === null ? null : limit + Math.floor((limit * gracePercent) / 100),
    warnAt: limit === null ? null : Math.ceil(limit * threshold),
    graceFraction: gracePercent / 100,
    threshold,
    used: row.pulls ?? 0,
    month: month.getTime(),
    loadedAt: Date.now(),
  };
}

function validThreshold(value: unknown): number | null {
  return typeof value === 'number' && value > 0 && value <= 1 ? value : null;
}

function validPercent(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 1000 ? value : null;
}

/** Where a customer past its quota goes: the next plan's checkout on the billing page, or its usage page on the top plan. */
export function quotaUpgradeUrl(quota: Pick<PullQuota, 'slug' | 'tier'>): string {
  const next = (Object.values(TIERS) as (typeof TIERS)[Tier][]).find((candidate) => candidate.rank > TIERS[quota.tier].rank);
  return next ? `${publicUrl()}/portal/${quota.slug}/billing?upgrade=${next.key}` : `${publicUrl()}/portal/${quota.slug}/usage`;
}

/** The text docker, podman and skopeo print (`toomanyrequests: <this>`). */
export function quotaMessage(quota: Pick<PullQuota, 'limit' | 'slug' | 'tier'>): string {
  return `monthly pull quota of ${quota.limit} reached for ${quota.slug}; upgrade at ${quotaUpgradeUrl(quota)}`;
}

export interface QuotaGateOptions {
  /** How long a customer's row is trusted before it is read again (default 10 s, GATEWAY_QUOTA_TTL_MS). */
  ttlMs?: number;
}

export class PullQuotaGate {
  private entries = new Map<string, { quota: PullQuota; local: number }>();
  private loading = new Map<string, Promise<PullQuota | null>>();
  private readonly ttlMs: number;

  constructor(
    private readonly db: Sql,
    options: QuotaGateOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? env('GATEWAY_QUOTA_TTL_MS');
  }

  /** The quota and whether a manifest request must be refused now. */
  async check(orgId: string, now = Date.now()): Promise<{ refused: false } | { refused: true; message: string; quota: PullQuota }> {
    let entry = this.entries.get(orgId);
    if (!entry || now - entry.quota.loadedAt > this.ttlMs || monthStart(new Date(now)).getTime() !== entry.quota.month) {
      const quota = await this.load(orgId);
      if (!quota) return { refused: false };
      entry = { quota, local: 0 };
      this.entries.set(orgId, entry);
    }
    const { quota } = entry;
    if (quota.hardLimit === null || quota.used + entry.local < quota.hardLimit) return { refused: false };
    return { refused: true, message: quotaMessage(quota), quota };
  }

  /** A pull this replica counted (before its flush reaches the row). */
  counted(orgId: string): void {
    const entry = this.entries.get(orgId);
    if (entry) entry.local++;
  }

  /** What the pull log needs to decide on warnings: the cached quota, if any. */
  cached(orgId: string): PullQuota | undefined {
    return this.entries.get(orgId)?.quota;
  }

  /** Staff changed the customer (limits, tier, license): read it again on the next request. */
  forget(orgId: string): void {
    this.entries.delete(orgId);
  }

  clear(): void {
    this.entries.clear();
  }

  private load(orgId: string): Promise<PullQuota | null> {
    let pending = this.loading.get(orgId);
    if (!pending) {
      pending = loadPullQuota(this.db, orgId).finally(() => this.loading.delete(orgId));
      this.loading.set(orgId, pending);
    }
    return pending;
  }
}
