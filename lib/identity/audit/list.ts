import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type AuditEvent, type Db, type Prisma } from '@/lib/platform/db/client';
import { requirePortalFeature } from '@/lib/plans/portal-gate';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import type { OrgPermission, StaffPermission } from '@/lib/identity/rbac/permissions';
import { decodeCursor, encodeCursor, type KeysetPage, type KeysetParams, type KeysetPosition } from '@/lib/platform/table/keyset';
import type { SortDir, TableQuery } from '@/lib/platform/table/query';
import { auditEventFor, type AuditAudience } from './customer-view';
import { auditWhere, type AuditFilters } from './filters';

/** Whose events: every event (staff), or one customer's (its admins, or staff on its behalf). */
export type AuditScope = { kind: 'all' } | { kind: 'org'; slug: string };

export const AUDIT_SORTABLE = ['occurredAt', 'action', 'actorLabel'] as const;
export type AuditSort = (typeof AUDIT_SORTABLE)[number];

export interface ResolvedScope {
  /** undefined: all events; otherwise the org whose events these are. */
  orgId: string | undefined;
  org: { id: string; slug: string; name: string; tier: string } | null;
  /** Staff read events as recorded; customers through lib/identity/audit/customer-view.ts. */
  audience: AuditAudience;
}

/**
 * Checks that the actor may read (or export) the scope's events and resolves
 * it. Customers see only their own org's events; a foreign org is a 404.
 */
export async function resolveAuditScope(db: Db, actor: Actor, scope: AuditScope, purpose: 'view' | 'export' = 'view'): Promise<ResolvedScope> {
  const staffPermission: StaffPermission = purpose === 'export' ? 'audit.export' : 'audit.view';
  if (scope.kind === 'all') {
    assertStaffPermission(actor, staffPermission);
    return { orgId: undefined, org: null, audience: 'staff' };
  }
  const orgPermission: OrgPermission = 'audit.view';
  const access = await authorizeOrg(db, actor, { slug: scope.slug }, { org: orgPermission, staff: staffPermission });
  // Customers see their audit log on tiers that include it; staff always can.
  await requirePortalFeature(db, access, 'audit_log');
  return {
    orgId: access.org.id,
    org: { id: access.org.id, slug: access.org.slug, name: access.org.name, tier: access.org.tier },
    audience: access.viaStaff ? 'staff' : 'customer',
  };
}

export type AuditRow = Awaited<ReturnType<typeof listAuditEvents>>['rows'][number];

export type AuditPageQuery = Pick<TableQuery<AuditSort>, 'sort' | 'dir' | 'take'> & Partial<KeysetParams>;

type AuditDbRow = Omit<AuditEvent, 'prevHash'>;
/** The column a sort orders by before the id tie-break; null: the id alone (ids follow time). */
type SortColumn = 'action' | 'actorLabel' | null;

function sortColumn(sort: AuditSort | null): SortColumn {
  return sort === 'action' ? 'action' : sort === 'actorLabel' ? 'actorLabel' : null;
}

/**
 * How many events (by id) one page of a search no index can answer reads at
 * most: a part of the actor's label (`ILIKE '%…%'`) that matches nothing would
 * otherwise read the whole log for one page (1.3 s at 1 M events). The page
 * then shows what that stretch held and Next continues further back.
 */
export const AUDIT_SCAN_WINDOW = 50_000;

type Read = { rows: AuditDbRow[]; resumeAt: KeysetPosition | null };

/**
 * Up to `take` rows of `where` in (column, id) order `order`, strictly past
 * `from` when given. A position inside a run of equal values reads the rest
 * of that run first, then the values past it: two queries whose bounds are
 * both index conditions on (column, id) (prisma/schema.prisma), where one
 * `column > v OR (column = v AND id > i)` would scan the run from its start.
 *
 * With a `window` (id order only), reads at most that many ids past
 * the start; when that stretch ends before the log does and held fewer than
 * `take` rows, `resumeAt` is where the next read continues.
 */
async function readKeyset(
  db: Db,
  where: Prisma.AuditEventWhereInput,
  column: SortColumn,
  order: SortDir,
  from: KeysetPosition | null,
  take: number,
  position: (id: bigint) => KeysetPosition,
  window: number | null,
): Promise<Read> {
  const past = order === 'desc' ? 'lt' : 'gt';
  const read = (bound: Prisma.AuditEventWhereInput, orderBy: Prisma.AuditEventOrderByWithRelationInput[], n: number) =>
    db.auditEvent.findMany({ where: { AND: [where, bound] }, orderBy, take: n, omit: { prevHash: true } });
  if (!column) {
    const after: Prisma.AuditEventWhereInput = from ? { id: { [past]: from.id } } : {};
    if (window === null) return { rows: await read(after, [{ id: order }], take), resumeAt: null };
    // The far end of the log in this order, and where this read starts.
    const [first, last] = await Promise.all([
      db.auditEvent.findFirst({ orderBy: { id: 'asc' }, select: { id: true } }),
      db.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } }),
    ]);
    if (!first || !last) return { rows: [], resumeAt: null };
    const start = from?.id ?? (order === 'desc' ? last.id + 1n : first.id - 1n);
    const limit = order === 'desc' ? start - BigInt(window) : start + BigInt(window);
    const reachesEnd = order === 'desc' ? limit <= first.id : limit >= last.id;
    if (reachesEnd) return { rows: await read(after, [{ id: order }], take), resumeAt: null };
    const rows = await read({ id: order === 'desc' ? { lt: start, gte: limit } : { gt: start, lte: limit } }, [{ id: order }], take);
    return { rows, resumeAt: rows.length < take ? position(limit) : null };
  }
  const byColumn: Prisma.AuditEventOrderByWithRelationInput[] = [{ [column]: order }, { id: order }];
  if (!from || from.value === null) return { rows: await read({}, byColumn, take), resumeAt: null };
  const run = await read({ [column]: from.value, id: { [past]: from.id } }, [{ id: order }], take);
  if (run.length >= take) return { rows: run, resumeAt: null };
  return { rows: [...run, ...(await read({ [column]: { [past]: from.value } }, byColumn, take - run.length))], resumeAt: null };
}

/**
 * One page of `where`, newest first unless sorted otherwise, by keyset:
 * LIMIT take + 1 tells whether there is a next page, so no count is needed
 * and the cost of a page does not grow with the table or the page number.
 * `windowed` bounds the stretch of the log one page reads (AUDIT_SCAN_WINDOW);
 * `page.partial` then says this page may not hold every match before Next.
 */
export async function auditKeysetPage(
  db: Db,
  where: Prisma.AuditEventWhereInput,
  query: AuditPageQuery,
  options: { windowed?: boolean; window?: number } = {},
): Promise<{ rows: AuditDbRow[]; page: KeysetPage; cursorIgnored: boolean }> {
  const sort: AuditSort = query.sort ?? 'occurredAt';
  const dir = query.dir;
  const column = sortColumn(sort);
  const take = query.take;
  const window = options.windowed && column === null ? (options.window ?? AUDIT_SCAN_WINDOW) : null;
  const position = (id: bigint): KeysetPosition => ({ sort, dir, value: null, id });
  const positionOf = (row: AuditDbRow): KeysetPosition => ({ sort, dir, value: column ? row[column] : null, id: row.id });
  const after = decodeCursor(query.after, { sort, dir });
  const before = after ? null : decodeCursor(query.before, { sort, dir });
  const cursorIgnored = (!!query.after && !after) || (!query.after && !!query.before && !before);

  if (before) {
    const reversed = await readKeyset(db, where, column, dir === 'desc' ? 'asc' : 'desc', before, take + 1, position, window);
    const hasPrev = reversed.rows.length > take || reversed.resumeAt !== null;
    const rows = reversed.rows.slice(0, take).reverse();
    // Back at the start with less than a page: show the first page whole.
    if (hasPrev || rows.length === take) {
      const prev = hasPrev ? encodeCursor(reversed.resumeAt && rows.length === 0 ? reversed.resumeAt : positionOf(rows[0]!)) : null;
      const next = encodeCursor(rows.length ? positionOf(rows[rows.length - 1]!) : before);
      return { rows, page: { prev, next, partial: reversed.resumeAt !== null }, cursorIgnored };
    }
  }
  const found = await readKeyset(db, where, column, dir, after, take + 1, position, window);
  const rows = found.rows.slice(0, take);
  const next = found.rows.length > take ? encodeCursor(positionOf(rows[rows.length - 1]!)) : found.resumeAt ? encodeCursor(found.resumeAt) : null;
  const prev = after ? encodeCursor(rows.length ? positionOf(rows[0]!) : after) : null;
  return { rows, page: { next, prev, partial: found.resumeAt !== null }, cursorIgnored };
}

/**
 * One page of audit events for the viewer (keyset: `after`/`before` cursors
 * from the URL). Scope and filters apply to every page whatever the cursor
 * says, so a cursor cannot reach another org's events.
 */
export async function listAuditEvents(actor: Actor, scope: AuditScope, filters: AuditFilters, query: AuditPageQuery) {
  const resolved = await resolveAuditScope(prisma, actor, scope);
  const where = auditWhere(filters, resolved.orgId);
  // Only a part of the actor's label needs a scan no index can answer; every other filter has its index.
  const { rows, page, cursorIgnored } = await auditKeysetPage(prisma, where, query, { windowed: !!filters.actor });
  const orgIds = [...new Set(rows.map((row) => row.orgId).filter((id): id is string => !!id))];
  const orgs = orgIds.length ? await prisma.organization.findMany({ where: { id: { in: orgIds } }, select: { id: true, slug: true, name: true } }) : [];
  const orgById = new Map(orgs.map((org) => [org.id, org]));
  return {
    rows: rows.map((row) => ({ ...auditEventFor(resolved.audience, row), org: row.orgId ? (orgById.get(row.orgId) ?? null) : null })),
    page,
    cursorIgnored,
    scope: resolved,
  };
}
