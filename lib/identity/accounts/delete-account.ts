import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { endUserSessions } from '@/lib/identity/auth/sessions';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ValidationError } from '@/lib/platform/errors';
import { countOwners } from '@/lib/identity/members/access';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { roleRefString } from '@/lib/identity/rbac/role-ref';
import { confirmItIsThem, ownAccount } from './reauth';

/**
 * A person deletes their own account from /account, after their current
 * password (or, SSO only, typing their address). Refused while they are the
 * last owner of an organization (named in the message): someone must be
 * left to run it. Otherwise, in one transaction: their sessions end, they
 * leave every organization (each org's audit log records it), their pending
 * mailbox proofs go, and the user row is deleted with what hangs off it
 * (memberships, team places, SSO links, sign-in addresses, sessions).
 * Audit events are not touched: they name the actor by id and an email
 * snapshot, with no foreign key, so the history and its hash chain stay
 * whole. Staff accounts are closed by a staff admin instead.
 */

export const deleteAccountSchema = z.object({
  password: z.string().max(1024).optional(),
  email: z.string().max(320).optional(),
});

export async function deleteOwnAccount(actor: Actor, input: z.input<typeof deleteAccountSchema>, now = new Date()) {
  const user = await ownAccount(actor);
  if (user.staffRole) throw new ValidationError('Staff accounts are not deleted here: a staff admin deactivates them in Settings.');
  const data = deleteAccountSchema.parse(input);
  const proof = await confirmItIsThem(actor, user, data);
  return prisma.$transaction(async (tx) => {
    const memberships = await tx.membership.findMany({
      where: { userId: user.id },
      select: { id: true, role: true, customRoleId: true, orgId: true, org: { select: { name: true, status: true } }, teams: { select: { team: { select: { name: true } } } } },
      orderBy: { orgId: 'asc' },
    });
    const lastOwnerOf: string[] = [];
    for (const membership of memberships) {
      if (membership.role !== 'owner' || membership.org.status === 'deactivated') continue;
      await lockOrg(tx, membership.orgId);
      if ((await countOwners(tx, membership.orgId)) <= 1) lastOwnerOf.push(membership.org.name);
    }
    if (lastOwnerOf.length > 0) {
      const names = lastOwnerOf.join(', ');
      throw new ConflictError(
        `You are the last owner of ${names}. Make someone else an owner of ${lastOwnerOf.length === 1 ? 'it' : 'each'} first (Team page), then delete your account.`,
      );
    }
    const sessionsEnded = await endUserSessions(tx, actor, user.id, 'account_deleted', {}, now);
    for (const membership of memberships) {
      await recordAudit(tx, actor, {
        action: 'member.leave',
        target: { type: 'membership', id: membership.id },
        orgId: membership.orgId,
        before: { email: user.email, role: roleRefString(membership), teams: membership.teams.map((link) => link.team.name) },
        metadata: { reason: 'account_deleted' },
      });
    }
    await tx.mailboxProof.deleteMany({ where: { subjectId: user.id } });
    await tx.user.delete({ where: { id: user.id } });
    await recordAudit(tx, actor, {
      action: 'account.delete',
      target: { type: 'user', id: user.id },
      before: { email: user.email, name: user.name, createdAt: user.createdAt },
      metadata: { confirmedWith: proof, memberships: memberships.length, sessionsEnded: sessionsEnded.length },
    });
    return { email: user.email, organizationsLeft: memberships.map((m) => m.org.name) };
  });
}
