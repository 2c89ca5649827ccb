import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { currentLicense } from '@/lib/plans/license';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { licenseStatus } from './status';
import { DAY } from '@/lib/platform/time';

export const EXPIRY_WINDOWS = [30, 60, 90] as const;
export type ExpiryWindow = (typeof EXPIRY_WINDOWS)[number];

/**
 * Customers' licenses that run out within `days`, soonest first: the one
 * list behind the staff dashboard and the expiring page. Revoked licenses,
 * licenses superseded by a later one of the same customer, and deactivated
 * customers are left out. No permission check: the callers' services check.
 */
export async function expiringLicenses(db: Db, days: number, now = new Date(), take = 500) {
  const until = new Date(now.getTime() + days * DAY);
  const rows = await db.licenseKey.findMany({
    where: { revokedAt: null, expiresAt: { gt: now, lte: until }, org: { status: { not: 'deactivated' } } },
    orderBy: { expiresAt: 'asc' },
    take,
    select: { id: true, jti: true, tier: true, expiresAt: true, graceDays: true, org: { select: orgFields } },
  });
  const renewed = await db.licenseKey.findMany({
    where: { revokedAt: null, expiresAt: { gt: until }, orgId: { in: [...new Set(rows.map((row) => row.org.id))] } },
    distinct: ['orgId'],
    select: { orgId: true },
  });
  const renewedOrgs = new Set(renewed.map((row) => row.orgId));
  return rows.filter((row) => !renewedOrgs.has(row.org.id)).map((row) => ({ ...row, daysLeft: daysLeft(row.expiresAt, now) }));
}

export type ExpiringLicense = Awaited<ReturnType<typeof expiringLicenses>>[number];

/** Licenses and registry tokens that expire within `days` (staff), soonest first. */
export async function expiringSoon(actor: Actor, days: ExpiryWindow, now = new Date()) {
  assertStaffPermission(actor, 'licenses.view');
  const until = new Date(now.getTime() + days * DAY);
  const [licenses, tokens] = await Promise.all([
    expiringLicenses(prisma, days, now),
    prisma.registryToken.findMany({
      where: { revokedAt: null, expiresAt: { gt: now, lte: until }, rotatedTo: null },
      orderBy: { expiresAt: 'asc' },
      take: 500,
      select: { id: true, name: true, prefix: true, expiresAt: true, lastUsedAt: true, org: { select: orgFields } },
    }),
  ]);
  return { licenses, tokens: tokens.map((t) => ({ ...t, daysLeft: daysLeft(t.expiresAt, now) })) };
}

const orgFields = { id: true, name: true, slug: true, tier: true } as const;

function daysLeft(expiresAt: Date, now: Date): number {
  return Math.floor((expiresAt.getTime() - now.getTime()) / DAY);
}

/** What a customer sees of its own license: the current one's expiry, days left, grace. Members with licenses.view, or staff. */
export async function orgLicenseSummary(actor: Actor, orgId: string, now = new Date()) {
  const { org } = await authorizeOrg(prisma, actor, { id: orgId }, { staff: 'licenses.view', org: 'licenses.view' });
  const current = await currentLicense(prisma, org.id, now);
  if (!current) return { org: { id: org.id, name: org.name, slug: org.slug, tier: org.tier }, license: null, expiresAt: org.licenseExpiresAt };
  const status = licenseStatus({ ...current, revokedAt: null }, now);
  return {
    org: { id: org.id, name: org.name, slug: org.slug, tier: org.tier },
    license: { id: current.id, jti: current.jti, tier: current.tier, status, expiresAt: current.expiresAt, graceDays: current.graceDays, daysLeft: daysLeft(current.expiresAt, now) },
    expiresAt: current.expiresAt,
  };
}
