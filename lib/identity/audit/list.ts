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
 * Up to `take` rows of `where` in (column, id) order `order`, strictly past
 * `from` when given. A position inside a run of equal values reads the rest
 * of that run first, then the values past it: two queries whose bounds are
 * both index conditions on (column, id) (prisma/schema.prisma), where one
 * `column > v OR (column = v AND id > i)` would scan the run from its start.
 */
async function readKeyset(db: Db, where: Prisma.AuditEventWhereInput, column: SortColumn, order: SortDir, from: KeysetPosition | null, take: number): Promise<AuditDbRow[]> {
  const past = order === 'desc' ? 'lt' : 'gt';
  const read = (bound: Prisma.AuditEventWhereInput, orderBy: Prisma.AuditEventOrderByWithRelationInput[], n: number) =>
    db.auditEvent.findMany({ where: { AND: [where, bound] }, orderBy, take: n, omit: { prevHash: true } });
  if (!column) return read(from ? { id: { [past]: from.id } } : {}, [{ id: order }], take);
  const byColumn: Prisma.AuditEventOrderByWithRelationInput[] = [{ [column]: order }, { id: order }];
  if (!from || from.value === null) return read({}, byColumn, take);
  const run = await read({ [column]: from.value, id: { [past]: from.id } }, [{ id: order }], take);
  if (run.length >= take) return run;
  return [...run, ...(await read({ [column]: { [past]: from.value } }, byColumn, take - run.length))];
}

/**
 * One page of `where`, newest first unless sorted otherwise, by keyset:
 * LIMIT take + 1 tells whether there is a next page, so no count is needed
 * and the cost of a page does not grow with the table or the page number.
 */
export async function auditKeysetPage(db: Db, where: Prisma.AuditEventWhereInput, query: AuditPageQuery): Promise<{ rows: AuditDbRow[]; page: KeysetPage; cursorIgnored: boolean }> {
  const sort: AuditSort = query.sort ?? 'occurredAt';
  const dir = query.dir;
  const column = sortColumn(sort);
  const take = query.take;
  const positionOf = (row: AuditDbRow): KeysetPosition => ({ sort, dir, value: column ? row[column] : null, id: row.id });
  const after = decodeCursor(query.after, { sort, dir });
  const before = after ? null : decodeCursor(query.before, { sort, dir });
  const cursorIgnored = (!!query.after && !after) || (!query.after && !!query.before && !before);

  if (before) {
    const reversed = await readKeyset(db, where, column, dir === 'desc' ? 'asc' : 'desc', before, take + 1);
    const hasPrev = reversed.length > take;
    const rows = reversed.slice(0, take).reverse();
    // Back at the start with less than a page: show the first page whole.
    if (hasPrev || rows.length === take) {
      return { rows, page: { prev: hasPrev ? encodeCursor({ ...positionOf(rows[0]!) }) : null, next: rows.length ? encodeCursor(positionOf(rows[rows.length - 1]!)) : encodeCursor(before) }, cursorIgnored };
    }
  }
  const found = await readKeyset(db, where, column, dir, after, take + 1);
  const rows = found.slice(0, take);
  const next = found.length > take ? encodeCursor(positionOf(rows[rows.length - 1]!)) : null;
  const prev = after ? encodeCursor(rows.length ? positionOf(rows[0]!) : after) : null;
  return { rows, page: { next, prev }, cursorIgnored };
}

/**
 * One page of audit events for the viewer (keyset: `after`/`before` cursors
 * from the URL). Scope and filters apply to every page whatever the cursor
 * says, so a cursor cannot reach another org's events.
 */
export async function listAuditEvents(actor: Actor, scope: AuditScope, filters: AuditFilters, query: AuditPageQuery) {
  const resolved = await resolveAuditScope(prisma, actor, scope);
  const where = auditWhere(filters, resolved.orgId);
  const { rows, page, cursorIgnored } = await auditKeysetPage(prisma, where, query);
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
