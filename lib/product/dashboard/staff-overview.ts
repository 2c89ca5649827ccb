import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { DAY } from '@/lib/platform/time';

/** The staff dashboard's headline numbers and latest activity. */
export async function getStaffOverview(actor: Actor, now = new Date()) {
  assertStaffPermission(actor, 'customers.view');
  const in30Days = new Date(now.getTime() + 30 * DAY);
  const weekAgo = new Date(now.getTime() - 7 * DAY);
  const [customers, activeCustomers, activeTokens, expiringCustomers, pullsThisWeek, deniedThisWeek, recent] = await Promise.all([
    prisma.organization.count(),
    prisma.organization.count({ where: { status: 'active' } }),
    prisma.registryToken.count({ where: { revokedAt: null, expiresAt: { gt: now } } }),
    prisma.organization.findMany({
      where: { status: 'active', licenseExpiresAt: { gte: now, lte: in30Days } },
      orderBy: { licenseExpiresAt: 'asc' },
      take: 5,
      select: { id: true, name: true, slug: true, licenseExpiresAt: true, tier: true },
    }),
    prisma.pullEvent.count({ where: { occurredAt: { gte: weekAgo }, outcome: 'success', counted: true } }),
    prisma.pullEvent.count({ where: { occurredAt: { gte: weekAgo }, outcome: { not: 'success' } } }),
    prisma.auditEvent.findMany({
      orderBy: { id: 'desc' },
      take: 8,
      select: { id: true, occurredAt: true, actorLabel: true, action: true, targetType: true, targetId: true, orgId: true },
    }),
  ]);
  return { customers, activeCustomers, activeTokens, expiringCustomers, pullsThisWeek, deniedThisWeek, recent };
}
