import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { Prisma, prisma } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError } from '@/lib/platform/errors';
import { TIER_KEYS } from '@/lib/plans/tiers';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { DAY } from '@/lib/platform/time';
import { canonicalClaimsJson, type LicenseClaims } from './claims';
import { LICENSE_TYPE, signCompact } from './jws';
import { licenseInclude, licenseView } from './license-row';
import { privateKeyFor } from './signing-keys';

/** One license with its decoded claims; staff, or a member of its org with licenses.view. Foreign ids are 404. */
export async function getLicense(actor: Actor, licenseId: string, now = new Date()) {
  const row = await prisma.licenseKey.findUnique({ where: { id: licenseId }, include: licenseInclude });
  if (!row) throw new NotFoundError('License not found');
  await authorizeOrg(prisma, actor, { id: row.orgId }, { staff: 'licenses.view', org: 'licenses.view' }).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError('License not found') : error;
  });
  return licenseView(row, now);
}

/** Re-creates the license token (identical to the one issued) for download or copy; audited. */
export async function licenseToken(actor: Actor, licenseId: string, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const row = await tx.licenseKey.findUnique({ where: { id: licenseId }, include: licenseInclude });
    if (!row) throw new NotFoundError('License not found');
    await authorizeOrg(tx, actor, { id: row.orgId }, { staff: 'licenses.view', org: 'licenses.download' }).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError('License not found') : error;
    });
    if (row.signingKey.status === 'retired') throw new ConflictError('The key that signed this license has been retired, so it no longer verifies; re-issue it.');
    const token = signCompact({ alg: 'EdDSA', kid: row.signingKey.kid, typ: LICENSE_TYPE }, canonicalClaimsJson(row.claims as unknown as LicenseClaims), await privateKeyFor(tx, row.signingKey.kid));
    await recordAudit(tx, actor, { action: 'license.download', target: { type: 'license', id: row.id }, orgId: row.orgId, metadata: { jti: row.jti } });
    return { token, license: licenseView(row, now), filename: `${row.org.slug}-license-${row.jti.slice(0, 8)}.jwt` };
  });
}

export const LICENSE_SORTS = ['issuedAt', 'expiresAt', 'customer', 'tier'] as const;
export const LICENSE_FILTERS = { status: ['active', 'expiring', 'expired', 'revoked'], tier: TIER_KEYS } as const;

export interface LicenseListQuery {
  orgId?: string;
  q?: string;
  status?: (typeof LICENSE_FILTERS.status)[number];
  tier?: string;
  sort?: (typeof LICENSE_SORTS)[number] | null;
  dir?: 'asc' | 'desc';
  skip?: number;
  take?: number;
}

/**
 * Licenses, newest first: all customers' for staff, or one org's (staff, or
 * its members with licenses.view). Server-side filter, sort and pagination.
 */
export async function listLicenses(actor: Actor, query: LicenseListQuery = {}, now = new Date()) {
  if (query.orgId) {
    await authorizeOrg(prisma, actor, { id: query.orgId }, { staff: 'licenses.view', org: 'licenses.view' });
  } else {
    assertStaffPermission(actor, 'licenses.view');
  }
  const where: Prisma.LicenseKeyWhereInput = { ...(query.orgId ? { orgId: query.orgId } : {}) };
  if (query.tier) where.tier = query.tier;
  switch (query.status) {
    case 'active':
      Object.assign(where, { revokedAt: null, expiresAt: { gt: now } });
      break;
    case 'expiring':
      Object.assign(where, { revokedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + 30 * DAY) } });
      break;
    case 'expired':
      Object.assign(where, { revokedAt: null, expiresAt: { lte: now } });
      break;
    case 'revoked':
      Object.assign(where, { revokedAt: { not: null } });
      break;
  }
  if (query.q) {
    where.OR = [
      { org: { name: { contains: query.q, mode: 'insensitive' } } },
      { org: { slug: { contains: query.q.toLowerCase() } } },
      { jti: { startsWith: query.q.toLowerCase() } },
    ];
  }
  const dir = query.dir ?? 'desc';
  const orderBy: Prisma.LicenseKeyOrderByWithRelationInput[] =
    query.sort === 'customer' ? [{ org: { name: dir } }] : query.sort === 'tier' ? [{ tier: dir }] : query.sort === 'expiresAt' ? [{ expiresAt: dir }] : [{ issuedAt: dir }];
  orderBy.push({ id: 'desc' });
  const [rows, total] = await Promise.all([
    prisma.licenseKey.findMany({ where, orderBy, skip: query.skip ?? 0, take: query.take ?? 50, include: licenseInclude }),
    prisma.licenseKey.count({ where }),
  ]);
  return { rows: rows.map((row) => licenseView(row, now)), total };
}

/** Finds a license by id or jti (CLI arguments), for staff. */
export async function findLicenseId(ref: string): Promise<string> {
  const row = await prisma.licenseKey.findFirst({ where: { OR: [{ id: ref }, { jti: ref }] }, select: { id: true } });
  if (!row) throw new NotFoundError(`No license with id or jti ${ref}.`);
  return row.id;
}
