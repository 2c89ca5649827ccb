import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { currentLicense } from '@/lib/plans/license';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { licenseStatus } from './status';
import { DAY } from '@/lib/platform/time';

export const EXPIRY_WINDOWS = [30, 60, 90] as const;
export type ExpiryWindow = (typeof EXPIRY_WINDOWS)[number];

/** Licenses and registry tokens that expire within `days` (staff), soonest first; superseded and revoked ones are left out. */
export async function expiringSoon(actor: Actor, days: ExpiryWindow, now = new Date()) {
  assertStaffPermission(actor, 'licenses.view');
  const until = new Date(now.getTime() + days * DAY);
  const org = { select: { id: true, name: true, slug: true, tier: true } } as const;
  const [licenses, tokens] = await Promise.all([
    prisma.licenseKey.findMany({ where: { revokedAt: null, expiresAt: { gt: now, lte: until } }, orderBy: { expiresAt: 'asc' }, take: 500, include: { org } }),
    prisma.registryToken.findMany({
      where: { revokedAt: null, expiresAt: { gt: now, lte: until }, rotatedTo: null },
      orderBy: { expiresAt: 'asc' },
      take: 500,
      select: { id: true, name: true, prefix: true, expiresAt: true, lastUsedAt: true, org },
    }),
  ]);
  return {
    licenses: licenses.map((l) => ({ id: l.id, jti: l.jti, tier: l.tier, expiresAt: l.expiresAt, graceDays: l.graceDays, org: l.org, daysLeft: Math.floor((l.expiresAt.getTime() - now.getTime()) / DAY) })),
    tokens: tokens.map((t) => ({ ...t, daysLeft: Math.floor((t.expiresAt.getTime() - now.getTime()) / DAY) })),
  };
}

/** What a customer sees of its own license: the current one's expiry, days left, grace. Members with licenses.view, or staff. */
export async function orgLicenseSummary(actor: Actor, orgId: string, now = new Date()) {
  const { org } = await authorizeOrg(prisma, actor, { id: orgId }, { staff: 'licenses.view', org: 'licenses.view' });
  const current = await currentLicense(prisma, org.id, now);
  if (!current) return { org: { id: org.id, name: org.name, slug: org.slug, tier: org.tier }, license: null, expiresAt: org.licenseExpiresAt };
  const status = licenseStatus({ ...current, revokedAt: null }, now);
  return {
    org: { id: org.id, name: org.name, slug: org.slug, tier: org.tier },
    license: { id: current.id, jti: current.jti, tier: current.tier, status, expiresAt: current.expiresAt, graceDays: current.graceDays, daysLeft: Math.floor((current.expiresAt.getTime() - now.getTime()) / DAY) },
    expiresAt: current.expiresAt,
  };
}
