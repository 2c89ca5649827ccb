import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { endUserSessions } from '@/lib/identity/auth/sessions';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError } from '@/lib/platform/errors';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';

/**
 * Staff deactivate and reactivate a customer's person from that customer's
 * page (staff accounts: lib/identity/staff/staff-users.ts). A deactivated person
 * cannot sign in anywhere and their sessions end at once; their memberships
 * stay, so reactivating gives them back what they had. The person is found
 * through the org's memberships, so the org's id decides what may be named.
 */

export const customerUserSchema = z.object({ orgId: z.string().min(1), userId: z.string().min(1) });

async function findMember(tx: Db, actor: Actor, input: z.output<typeof customerUserSchema>) {
  const { org } = await authorizeOrg(tx, actor, { id: input.orgId }, { staff: 'customers.deactivate' });
  const membership = await tx.membership.findFirst({
    where: { orgId: org.id, userId: input.userId },
    select: { user: { select: { id: true, email: true, staffRole: true, disabledAt: true } } },
  });
  if (!membership) throw new NotFoundError('That person is not a member of this customer.');
  if (membership.user.staffRole) throw new ConflictError(`${membership.user.email} is vendor staff: deactivate staff accounts in Settings.`);
  await tx.$queryRaw`SELECT id FROM users WHERE id = ${membership.user.id} FOR UPDATE`;
  return { org, user: membership.user };
}

export async function deactivateCustomerUser(actor: Actor, input: z.input<typeof customerUserSchema>, now = new Date()) {
  const data = customerUserSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const { org, user } = await findMember(tx, actor, data);
    if (user.disabledAt) throw new ConflictError(`${user.email} is already deactivated.`);
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: now } });
    await recordAudit(tx, actor, {
      action: 'user.deactivate',
      target: { type: 'user', id: user.id },
      orgId: org.id,
      before: { email: user.email, disabledAt: null },
      after: { email: user.email, disabledAt: now },
    });
    const ended = await endUserSessions(tx, actor, user.id, 'deactivated', {}, now);
    return { email: user.email, sessionsEnded: ended.length };
  });
}

export async function reactivateCustomerUser(actor: Actor, input: z.input<typeof customerUserSchema>) {
  const data = customerUserSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const { org, user } = await findMember(tx, actor, data);
    if (!user.disabledAt) throw new ConflictError(`${user.email} is active.`);
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: null } });
    await recordAudit(tx, actor, {
      action: 'user.reactivate',
      target: { type: 'user', id: user.id },
      orgId: org.id,
      before: { email: user.email, disabledAt: user.disabledAt },
      after: { email: user.email, disabledAt: null },
    });
    return { email: user.email };
  });
}
