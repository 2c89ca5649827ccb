import 'server-only';
import type { PullStats, PullStatsQuery } from './pull-stats';
import { DAY } from '@/lib/platform/time';

/**
 * The stats pages' URL state: `from`/`to` (YYYY-MM-DD) or `days` (7, 30,
 * 90...), and `customer` (a slug). Unknown values fall back to defaults
 * rather than failing: URLs are user input.
 */
export function statsQueryFromSearchParams(
  params: Record<string, string | string[] | undefined>,
  customers: readonly { id: string; name: string; slug: string }[],
  now = new Date(),
): { query: PullStatsQuery; selected: { id: string; name: string; slug: string } | null } {
  const first = (key: string) => {
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  const isDay = (value: string | undefined): value is string => !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
  const query: PullStatsQuery = {};
  const days = Number(first('days'));
  if (Number.isInteger(days) && days > 0 && days <= 366) {
    query.to = now.toISOString().slice(0, 10);
    query.from = new Date(now.getTime() - (days - 1) * DAY).toISOString().slice(0, 10);
  }
  const from = first('from');
  const to = first('to');
  if (isDay(from)) query.from = from;
  if (isDay(to)) query.to = to;
  const slug = first('customer');
  const selected = slug ? (customers.find((c) => c.slug === slug) ?? null) : null;
  if (selected) query.orgId = selected.id;
  return { query, selected };
}

export type AdoptionRow = {
  orgId: string;
  name: string;
  slug: string;
  repository: string;
  tags: { reference: string; pulls: number; lastPullAt: Date }[];
};

/** Groups adoption rows into one row per customer and image, tags most recent first. */
export function adoptionByCustomer(rows: PullStats['adoption']): AdoptionRow[] {
  const grouped = new Map<string, AdoptionRow>();
  for (const row of rows) {
    const key = `${row.orgId}\u0000${row.repository}`;
    const entry = grouped.get(key) ?? { orgId: row.orgId, name: row.name, slug: row.slug, repository: row.repository, tags: [] };
    entry.tags.push({ reference: row.reference, pulls: row.pulls, lastPullAt: row.lastPullAt });
    grouped.set(key, entry);
  }
  for (const entry of grouped.values()) entry.tags.sort((a, b) => b.lastPullAt.getTime() - a.lastPullAt.getTime());
  return [...grouped.values()];
}
