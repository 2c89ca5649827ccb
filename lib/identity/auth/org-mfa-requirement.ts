import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, ValidationError } from '@/lib/platform/errors';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import type { Actor } from './actor';
import { satisfiesOrgMfa } from './mfa-policy';

export const orgMfaRequirementSchema = z.object({
  orgId: z.string().min(1),
  // An unchecked box sends nothing.
  mfaRequired: z.union([z.boolean(), z.stringbool()]).optional().default(false),
});

/**
 * A customer owner requires (or stops requiring) two-factor authentication
 * of the org's members who sign in with a password (lib/identity/auth/mfa-policy.ts:
 * members without it are sent to enrolment before the org's pages and
 * actions; SSO sign-ins are the IdP's). Owners only, not a custom role, and
 * only an owner who passes the rule themselves can turn it on.
 */
export async function setOrgMfaRequirement(actor: Actor, input: z.input<typeof orgMfaRequirementSchema>) {
  const data = orgMfaRequirementSchema.parse(input);
  const access = await authorizeOrg(prisma, actor, { id: data.orgId }, { org: 'org.update' });
  if (access.role !== 'owner') throw new ForbiddenError('Only an owner can change whether two-factor authentication is required.');
  const { org } = access;
  if (data.mfaRequired && actor.session && !satisfiesOrgMfa(actor.session)) {
    throw ValidationError.field('mfaRequired', 'Set up two-factor authentication on your own account first (/account), so you are not locked out.');
  }
  if (data.mfaRequired === org.mfaRequired) return { mfaRequired: org.mfaRequired, changed: false };
  return prisma.$transaction(async (tx) => {
    const saved = await tx.organization.update({ where: { id: org.id }, data: { mfaRequired: data.mfaRequired }, select: { mfaRequired: true } });
    await recordAudit(tx, actor, {
      action: 'org.mfa_requirement_update',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      before: { mfaRequired: org.mfaRequired },
      after: { mfaRequired: saved.mfaRequired },
    });
    return { mfaRequired: saved.mfaRequired, changed: true };
  });
}
