import 'server-only';
import { z } from 'zod';
import type { Actor } from '@/lib/identity/auth/actor';
import { Prisma, prisma } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { grantedVersions } from '@/lib/product/registry/versions';
import { DAY } from '@/lib/platform/time';

/**
 * Pull statistics, read from the daily rollup (pull_daily) so they stay fast
 * with millions of pull events; only the recent-denials list reads events.
 * Per-customer lists aggregate the rollup first and join the (few) result
 * rows to organizations, not every rollup row (issue 18).
 * Staff see everyone (stats.view); with `orgId` the same numbers for one
 * customer, which its members with pulls.view may also read (the portal).
 * Days are UTC; `from` and `to` are inclusive days.
 */
export const DENIAL_OUTCOMES = ['unauthorized', 'denied', 'rate_limited'] as const;
export const ERROR_OUTCOMES = ['not_found', 'upstream_error'] as const;
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

const day = z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31.').transform((value) => new Date(`${value}T00:00:00Z`))]);

export const pullStatsQuerySchema = z.object({
  from: day.optional(),
  to: day.optional(),
  orgId: z.string().min(1).optional(),
  /** Rows per list (top images, adoption, denials...). */
  limit: z.coerce.number().int().min(1).max(500).default(20),
});
export type PullStatsQuery = z.input<typeof pullStatsQuerySchema>;

export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The inclusive UTC day range a query covers; defaults to the last 30 days. */
export function resolveRange(input: { from?: Date; to?: Date }, now = new Date()): { from: Date; to: Date; days: number } {
  const to = startOfUtcDay(input.to ?? now);
  const from = startOfUtcDay(input.from ?? new Date(to.getTime() - (DEFAULT_RANGE_DAYS - 1) * DAY));
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw ValidationError.field('from', 'Use dates like 2026-01-31.');
  if (from > to) throw ValidationError.field('from', 'The start date must not be after the end date.');
  const days = Math.round((to.getTime() - from.getTime()) / DAY) + 1;
  if (days > MAX_RANGE_DAYS) throw ValidationError.field('from', `Choose at most ${MAX_RANGE_DAYS} days.`);
  return { from, to, days };
}

export interface PullStats {
  range: { from: string; to: string; days: number };
  org: { id: string; name: string; slug: string } | null;
  totals: { pulls: number; successfulRequests: number; denials: number; errors: number; customersPulling: number; lastPullAt: Date | null };
  series: { day: string; pulls: number; denials: number }[];
  customers: { orgId: string; name: string; slug: string; pulls: number; denials: number; lastPullAt: Date | null }[];
  topImages: { repository: string; pulls: number; customers: number }[];
  topTags: { repository: string; reference: string; pulls: number; customers: number }[];
  adoption: { orgId: string; name: string; slug: string; repository: string; reference: string; pulls: number; lastPullAt: Date }[];
  neverPulled: { orgId: string; name: string; slug: string; createdAt: Date }[];
  /** For one customer: per granted repository, the versions it may run (version limits, perpetual fallback). */
  allowedVersions: { repository: string; versions: string }[];
  recentDenials: {
    id: string;
    occurredAt: Date;
    orgId: string | null;
    orgName: string | null;
    username: string | null;
    repository: string;
    reference: string;
    outcome: string;
    reason: string | null;
    clientIp: string | null;
  }[];
  /** For one customer: its latest counted pulls, newest first, with the name of the token each came from. */
  recentPulls: { id: string; occurredAt: Date; repository: string; reference: string; tokenName: string | null; clientIp: string | null }[];
}

export async function getPullStats(actor: Actor, query: PullStatsQuery = {}, now = new Date()): Promise<PullStats> {
  const input = pullStatsQuerySchema.parse(query);
  let org: PullStats['org'] = null;
  if (input.orgId) {
    const access = await authorizeOrg(prisma, actor, { id: input.orgId }, { staff: 'stats.view', org: 'pulls.view' });
    org = { id: access.org.id, name: access.org.name, slug: access.org.slug };
  } else {
    assertStaffPermission(actor, 'stats.view');
  }
  const range = resolveRange(input, now);
  const from = isoDay(range.from);
  const to = isoDay(range.to);
  const limit = input.limit;
  const inRange = Prisma.sql`d.day >= ${from}::date AND d.day <= ${to}::date`;
  const orgFilter = org ? Prisma.sql`AND d.org_id = ${org.id}` : Prisma.empty;
  const denial = Prisma.sql`d.outcome IN (${Prisma.join([...DENIAL_OUTCOMES])})`;
  const error = Prisma.sql`d.outcome IN (${Prisma.join([...ERROR_OUTCOMES])})`;

  const [totals, series, customers, topImages, topTags, adoption, neverPulled, recentDenials, recentPulls] = await Promise.all([
    prisma.$queryRaw<{ pulls: bigint | null; successful: bigint | null; denials: bigint | null; errors: bigint | null; customers: bigint; last: Date | null }[]>`
      SELECT sum(d.pulls) FILTER (WHERE d.outcome = 'success') AS pulls,
             sum(d.requests) FILTER (WHERE d.outcome = 'success') AS successful,
             sum(d.requests) FILTER (WHERE ${denial}) AS denials,
             sum(d.requests) FILTER (WHERE ${error}) AS errors,
             count(DISTINCT d.org_id) FILTER (WHERE d.outcome = 'success' AND d.pulls > 0) AS customers,
             max(d.last_at) FILTER (WHERE d.outcome = 'success') AS last
      FROM pull_daily d WHERE ${inRange} ${orgFilter}`,
    prisma.$queryRaw<{ day: Date; pulls: bigint | null; denials: bigint | null }[]>`
      SELECT d.day, sum(d.pulls) FILTER (WHERE d.outcome = 'success') AS pulls, sum(d.requests) FILTER (WHERE ${denial}) AS denials
      FROM pull_daily d WHERE ${inRange} ${orgFilter} GROUP BY d.day ORDER BY d.day`,
    org
      ? Promise.resolve([])
      : prisma.$queryRaw<{ org_id: string; name: string; slug: string; pulls: bigint | null; denials: bigint | null; last: Date | null }[]>`
      SELECT a.org_id, o.name, o.slug, a.pulls, a.denials, a.last
      FROM (SELECT d.org_id,
                   sum(d.pulls) FILTER (WHERE d.outcome = 'success') AS pulls,
                   sum(d.requests) FILTER (WHERE ${denial}) AS denials,
                   max(d.last_at) FILTER (WHERE d.outcome = 'success') AS last
            FROM pull_daily d WHERE ${inRange} GROUP BY d.org_id) a
      JOIN organizations o ON o.id = a.org_id
      ORDER BY a.pulls DESC NULLS LAST, o.name LIMIT ${limit}`,
    prisma.$queryRaw<{ repository: string; pulls: bigint; customers: bigint }[]>`
      SELECT d.repository, sum(d.pulls) AS pulls, count(DISTINCT d.org_id) AS customers
      FROM pull_daily d WHERE ${inRange} ${orgFilter} AND d.outcome = 'success' AND d.pulls > 0
      GROUP BY d.repository ORDER BY pulls DESC, d.repository LIMIT ${limit}`,
    prisma.$queryRaw<{ repository: string; reference: string; pulls: bigint; customers: bigint }[]>`
      SELECT d.repository, d.reference, sum(d.pulls) AS pulls, count(DISTINCT d.org_id) AS customers
      FROM pull_daily d WHERE ${inRange} ${orgFilter} AND d.outcome = 'success' AND d.pulls > 0
      GROUP BY d.repository, d.reference ORDER BY pulls DESC, d.repository, d.reference LIMIT ${limit}`,
    prisma.$queryRaw<{ org_id: string; name: string; slug: string; repository: string; reference: string; pulls: bigint; last: Date }[]>`
      SELECT a.org_id, o.name, o.slug, a.repository, a.reference, a.pulls, a.last
      FROM (SELECT d.org_id, d.repository, d.reference, sum(d.pulls) AS pulls, max(d.last_at) AS last
            FROM pull_daily d WHERE ${inRange} ${orgFilter} AND d.outcome = 'success' AND d.pulls > 0
            GROUP BY d.org_id, d.repository, d.reference) a
      JOIN organizations o ON o.id = a.org_id
      ORDER BY o.name, a.repository, a.last DESC LIMIT ${limit * 10}`,
    org
      ? Promise.resolve([])
      : prisma.$queryRaw<{ id: string; name: string; slug: string; created_at: Date }[]>`
      SELECT o.id, o.name, o.slug, o.created_at FROM organizations o
      WHERE o.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM pull_daily d WHERE d.org_id = o.id AND d.outcome = 'success' AND d.pulls > 0)
      ORDER BY o.created_at DESC LIMIT ${limit}`,
    prisma.pullEvent.findMany({
      where: {
        outcome: { in: [...DENIAL_OUTCOMES] },
        occurredAt: { gte: range.from, lt: new Date(range.to.getTime() + DAY) },
        ...(org ? { orgId: org.id } : {}),
      },
      orderBy: { occurredAt: 'desc' },
      take: limit,
      select: { id: true, occurredAt: true, orgId: true, username: true, repository: true, reference: true, outcome: true, reason: true, clientIp: true },
    }),
    org
      ? prisma.pullEvent.findMany({
          where: { orgId: org.id, outcome: 'success', counted: true, occurredAt: { gte: range.from, lt: new Date(range.to.getTime() + DAY) } },
          orderBy: { occurredAt: 'desc' },
          take: limit,
          select: { id: true, occurredAt: true, repository: true, reference: true, tokenId: true, clientIp: true },
        })
      : Promise.resolve([]),
  ]);

  const allowed = org ? await grantedVersions(prisma, org.id, now) : [];
  const orgNames = new Map(
    (await prisma.organization.findMany({ where: { id: { in: [...new Set(recentDenials.map((d) => d.orgId).filter((id): id is string => !!id))] } }, select: { id: true, name: true } })).map((o) => [o.id, o.name]),
  );
  const tokenIds = [...new Set(recentPulls.map((p) => p.tokenId).filter((id): id is string => !!id))];
  const tokenNames = new Map(
    org && tokenIds.length ? (await prisma.registryToken.findMany({ where: { orgId: org.id, id: { in: tokenIds } }, select: { id: true, name: true } })).map((t) => [t.id, t.name]) : [],
  );
  const byDay = new Map(series.map((row) => [isoDay(row.day), row]));
  const total = totals[0];
  return {
    range: { from, to, days: range.days },
    org,
    allowedVersions: allowed,
    totals: {
      pulls: n(total?.pulls),
      successfulRequests: n(total?.successful),
      denials: n(total?.denials),
      errors: n(total?.errors),
      customersPulling: n(total?.customers),
      lastPullAt: total?.last ?? null,
    },
    series: Array.from({ length: range.days }, (_, i) => {
      const key = isoDay(new Date(range.from.getTime() + i * DAY));
      const row = byDay.get(key);
      return { day: key, pulls: n(row?.pulls), denials: n(row?.denials) };
    }),
    customers: customers.map((c) => ({ orgId: c.org_id, name: c.name, slug: c.slug, pulls: n(c.pulls), denials: n(c.denials), lastPullAt: c.last })),
    topImages: topImages.map((r) => ({ repository: r.repository, pulls: n(r.pulls), customers: n(r.customers) })),
    topTags: topTags.map((r) => ({ repository: r.repository, reference: r.reference, pulls: n(r.pulls), customers: n(r.customers) })),
    adoption: adoption.map((r) => ({ orgId: r.org_id, name: r.name, slug: r.slug, repository: r.repository, reference: r.reference, pulls: n(r.pulls), lastPullAt: r.last })),
    neverPulled: neverPulled.map((o) => ({ orgId: o.id, name: o.name, slug: o.slug, createdAt: o.created_at })),
    recentDenials: recentDenials.map((d) => ({ ...d, id: d.id.toString(), orgName: d.orgId ? (orgNames.get(d.orgId) ?? null) : null })),
    recentPulls: recentPulls.map(({ tokenId, ...p }) => ({ ...p, id: p.id.toString(), tokenName: tokenId ? (tokenNames.get(tokenId) ?? null) : null })),
  };
}

function n(value: bigint | number | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}
