import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';

export const ACTIVITY_PAGE_SIZE = 50;

/** A customer's audit trail, newest first: everything recorded with its org id. */
export async function listCustomerActivity(actor: Actor, orgId: string, options: { before?: bigint; take?: number } = {}) {
  await authorizeOrg(prisma, actor, { id: orgId }, { staff: 'audit.view' });
  const take = Math.min(options.take ?? ACTIVITY_PAGE_SIZE, 200);
  const rows = await prisma.auditEvent.findMany({
    where: { orgId, ...(options.before ? { id: { lt: options.before } } : {}) },
    orderBy: { id: 'desc' },
    take: take + 1,
    select: {
      id: true,
      occurredAt: true,
      actorType: true,
      actorLabel: true,
      action: true,
      targetType: true,
      targetId: true,
      ip: true,
      before: true,
      after: true,
      metadata: true,
    },
  });
  const events = rows.slice(0, take);
  return { events, nextBefore: rows.length > take ? events[events.length - 1]!.id : null };
}
export type ActivityEvent = Awaited<ReturnType<typeof listCustomerActivity>>['events'][number];
