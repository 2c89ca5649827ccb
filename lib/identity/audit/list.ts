import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db, type Prisma } from '@/lib/platform/db/client';
import { requirePortalFeature } from '@/lib/plans/portal-gate';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import type { OrgPermission, StaffPermission } from '@/lib/identity/rbac/permissions';
import type { TableQuery } from '@/lib/platform/table/query';
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

/** One page of audit events for the viewer, newest first unless sorted otherwise. */
export async function listAuditEvents(actor: Actor, scope: AuditScope, filters: AuditFilters, query: Pick<TableQuery<AuditSort>, 'sort' | 'dir' | 'skip' | 'take'>) {
  const resolved = await resolveAuditScope(prisma, actor, scope);
  const where = auditWhere(filters, resolved.orgId);
  const dir = query.dir;
  const orderBy: Prisma.AuditEventOrderByWithRelationInput[] =
    query.sort === 'action' ? [{ action: dir }, { id: 'desc' }] : query.sort === 'actorLabel' ? [{ actorLabel: dir }, { id: 'desc' }] : [{ id: dir }];
  const [rows, total] = await Promise.all([
    prisma.auditEvent.findMany({ where, orderBy, skip: query.skip, take: query.take, omit: { prevHash: true } }),
    prisma.auditEvent.count({ where }),
  ]);
  const orgIds = [...new Set(rows.map((row) => row.orgId).filter((id): id is string => !!id))];
  const orgs = orgIds.length ? await prisma.organization.findMany({ where: { id: { in: orgIds } }, select: { id: true, slug: true, name: true } }) : [];
  const orgById = new Map(orgs.map((org) => [org.id, org]));
  return {
    rows: rows.map((row) => ({ ...auditEventFor(resolved.audience, row), org: row.orgId ? (orgById.get(row.orgId) ?? null) : null })),
    total,
    scope: resolved,
  };
}
