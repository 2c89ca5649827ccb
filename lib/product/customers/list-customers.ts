import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Prisma } from '@/lib/platform/db/client';
import { DEFAULT_TIER, TIER_KEYS, tierRank } from '@/lib/plans/tiers';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { parseTableQuery, type SearchParamsInput } from '@/lib/platform/table/query';
import { CUSTOMER_STATUSES } from './statuses';
import { DAY } from '@/lib/platform/time';

export const CUSTOMER_SORTS = ['name', 'tier', 'status', 'licenseExpiresAt', 'createdAt'] as const;
export const EXPIRY_WINDOWS = ['expired', '7d', '30d', '90d', 'none'] as const;
export type ExpiryWindow = (typeof EXPIRY_WINDOWS)[number];

export const EXPIRY_WINDOW_LABELS: Record<ExpiryWindow, string> = {
  expired: 'Expired',
  '7d': 'Within 7 days',
  '30d': 'Within 30 days',
  '90d': 'Within 90 days',
  none: 'No expiry set',
};

/** The customers table's state from the URL (or CLI flags): unknown values fall back to defaults. */
export function parseCustomerQuery(searchParams: SearchParamsInput) {
  return parseTableQuery(searchParams, {
    sortable: CUSTOMER_SORTS,
    defaultSort: 'name',
    filters: { tier: TIER_KEYS, status: CUSTOMER_STATUSES, expiry: EXPIRY_WINDOWS },
  });
}
export type CustomerQuery = ReturnType<typeof parseCustomerQuery>;

function expiryWhere(window: ExpiryWindow | undefined, now: Date): Prisma.OrganizationWhereInput {
  switch (window) {
    case 'expired':
      return { licenseExpiresAt: { lte: now } };
    case 'none':
      return { licenseExpiresAt: null };
    case '7d':
    case '30d':
    case '90d':
      return { licenseExpiresAt: { gt: now, lte: new Date(now.getTime() + Number.parseInt(window) * DAY) } };
    default:
      return {};
  }
}

/**
 * One page of customers, searched (name, slug, contact email), filtered and
 * sorted in the database. Each row carries its live token count and
 * onboarding progress, counted for this page only.
 */
export async function listCustomers(actor: Actor, query: CustomerQuery, now = new Date()) {
  assertStaffPermission(actor, 'customers.view');
  const where: Prisma.OrganizationWhereInput = {
    ...(query.q
      ? {
          OR: [
            { name: { contains: query.q, mode: 'insensitive' } },
            { slug: { contains: query.q.toLowerCase() } },
            { contactEmail: { contains: query.q.toLowerCase() } },
          ],
        }
      : {}),
    ...(query.filters.tier ? { tier: query.filters.tier } : {}),
    ...(query.filters.status ? { status: query.filters.status } : {}),
    ...expiryWhere(query.filters.expiry, now),
  };
  const sort = query.sort ?? 'name';
  if (sort === 'tier') return listByTier(where, query, now);
  // No expiry sorts as "never": after every date ascending, before every date descending. That is also
  // PostgreSQL's default null order each way, so the license_expires_at index serves both directions.
  const orderBy: Prisma.OrganizationOrderByWithRelationInput[] = [
    sort === 'licenseExpiresAt' ? { licenseExpiresAt: { sort: query.dir, nulls: query.dir === 'asc' ? 'last' : 'first' } } : { [sort]: query.dir },
    { id: 'asc' },
  ];
  const [total, rows] = await Promise.all([
    prisma.organization.count({ where }),
    prisma.organization.findMany({ where, orderBy, skip: query.skip, take: query.take, select: rowSelect(now) }),
  ]);
  return { total, rows: rows.map(toRow) };
}

function rowSelect(now: Date) {
  return {
    id: true,
    name: true,
    slug: true,
    contactEmail: true,
    tier: true,
    status: true,
    licenseExpiresAt: true,
    createdAt: true,
    _count: {
      select: {
        tokens: { where: { revokedAt: null, expiresAt: { gt: now } } },
        checklist: { where: { doneAt: { not: null } } },
      },
    },
  } satisfies Prisma.OrganizationSelect;
}

type SelectedRow = Prisma.OrganizationGetPayload<{ select: ReturnType<typeof rowSelect> }>;
function toRow({ _count, ...row }: SelectedRow) {
  return { ...row, activeTokens: _count.tokens, checklistDone: _count.checklist };
}

/**
 * Sorted by tier rank (Community < Team < Enterprise), not by the stored
 * string: one segment per tier in rank order (an unknown stored tier counts
 * as Community, as tierOf does), each by name, and the page cut from
 * their counts in the database, so paging stays exact.
 */
async function listByTier(where: Prisma.OrganizationWhereInput, query: CustomerQuery, now: Date) {
  const ranked = [...TIER_KEYS].sort((a, b) => (tierRank(a) - tierRank(b)) * (query.dir === 'desc' ? -1 : 1));
  const segments = ranked.map((tier): Prisma.OrganizationWhereInput =>
    tier === DEFAULT_TIER ? { AND: [where, { tier: { notIn: TIER_KEYS.filter((key) => key !== DEFAULT_TIER) } }] } : { AND: [where, { tier }] },
  );
  const counts = await Promise.all(segments.map((segment) => prisma.organization.count({ where: segment })));
  const rows: SelectedRow[] = [];
  let skip = query.skip;
  for (const [index, segment] of segments.entries()) {
    const take = query.take - rows.length;
    if (take <= 0) break;
    if (skip >= counts[index]!) {
      skip -= counts[index]!;
      continue;
    }
    rows.push(...(await prisma.organization.findMany({ where: segment, orderBy: [{ name: 'asc' }, { id: 'asc' }], skip, take, select: rowSelect(now) })));
    skip = 0;
  }
  return { total: counts.reduce((sum, count) => sum + count, 0), rows: rows.map(toRow) };
}
export type CustomerRow = Awaited<ReturnType<typeof listCustomers>>['rows'][number];
