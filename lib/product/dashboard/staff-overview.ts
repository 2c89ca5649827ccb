import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { DAY } from '@/lib/platform/time';
import { expiringLicenses } from '@/lib/product/licensing/expiry';

/** The staff dashboard's headline numbers and latest activity. */
export async function getStaffOverview(actor: Actor, now = new Date()) {
  assertStaffPermission(actor, 'customers.view');
  const weekAgo = new Date(now.getTime() - 7 * DAY);
  const [customers, activeCustomers, activeTokens, expiring, pullsThisWeek, deniedThisWeek, recent] = await Promise.all([
    prisma.organization.count(),
    prisma.organization.count({ where: { status: 'active' } }),
    prisma.registryToken.count({ where: { revokedAt: null, expiresAt: { gt: now } } }),
    expiringLicenses(prisma, 30, now),
    prisma.pullEvent.count({ where: { occurredAt: { gte: weekAgo }, outcome: 'success', counted: true } }),
    prisma.pullEvent.count({ where: { occurredAt: { gte: weekAgo }, outcome: { not: 'success' } } }),
    prisma.auditEvent.findMany({
      orderBy: { id: 'desc' },
      take: 8,
      select: { id: true, occurredAt: true, actorLabel: true, action: true, targetType: true, targetId: true, orgId: true },
    }),
  ]);
  return { customers, activeCustomers, activeTokens, expiringLicenses: expiring, pullsThisWeek, deniedThisWeek, recent };
}
