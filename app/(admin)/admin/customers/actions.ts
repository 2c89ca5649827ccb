'use server';

import { refresh, revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import type { ActionResult } from '@/lib/platform/action-result';
import { staffAction, toActionError } from '@/lib/identity/actions';
import { currentStaffActor } from '@/lib/identity/auth/session';
import { createCustomer, deactivateCustomer, reactivateCustomer, updateCustomer } from '@/lib/product/customers/customers';
import { createCustomerSchema, updateCustomerSchema } from '@/lib/product/customers/schema';
import { customerQuotaFormSchema, setCustomerQuotas } from '@/lib/product/features/customer-quotas';
import { deliverInstructions } from '@/lib/product/instructions/instructions';
import { tokenReveal } from '@/lib/product/customers/token-reveal';
import { createInvitation, invitationRefSchema, inviteSchema, resendInvitation, revokeInvitation } from '@/lib/identity/members/invitations';
import { setOnboardingItem, setOnboardingItemSchema } from '@/lib/identity/onboarding/checklist';
import { customerUserSchema, deactivateCustomerUser, reactivateCustomerUser } from '@/lib/identity/staff/customer-users';
import { grantRepository, setVersionRule, removeRepositoryGrant } from '@/lib/product/registry/repositories';
import { describeRule } from '@/lib/product/registry/version-rule';
import { mintToken, mintTokenSchema, revokeAllTokens, revokeToken, rotateToken, rotateTokenSchema } from '@/lib/product/registry/tokens';

const customerPath = (slug: string) => `/admin/customers/${encodeURIComponent(slug)}`;

export const createCustomerAction = staffAction('customers.create', createCustomerSchema, async (input, actor) => {
  const org = await createCustomer(actor, input);
  redirect(customerPath(org.slug));
});

export const updateCustomerAction = staffAction('customers.update', updateCustomerSchema.extend({ orgId: z.string().min(1) }), async ({ orgId, ...input }, actor) => {
  const org = await updateCustomer(actor, orgId, input);
  revalidatePath(customerPath(org.slug), 'layout');
  redirect(customerPath(org.slug));
});

const orgIdSchema = z.object({ orgId: z.string().min(1), slug: z.string().min(1) });

export const deactivateCustomerAction = staffAction('customers.deactivate', orgIdSchema.extend({ reason: z.string().optional() }), async ({ orgId, slug, reason }, actor) => {
  const { tokensRevoked } = await deactivateCustomer(actor, orgId, reason);
  revalidatePath(customerPath(slug), 'layout');
  return { message: `Deactivated; ${tokensRevoked} token${tokensRevoked === 1 ? '' : 's'} revoked.` };
});

export const reactivateCustomerAction = staffAction('customers.deactivate', orgIdSchema, async ({ orgId, slug }, actor) => {
  await reactivateCustomer(actor, orgId);
  revalidatePath(customerPath(slug), 'layout');
  return { message: 'Reactivated. Mint new tokens: revoked ones stay revoked.' };
});

export const grantAction = staffAction('grants.manage', orgIdSchema.extend({ repositoryId: z.string().min(1, 'Choose a repository.') }), async ({ orgId, slug, repositoryId }, actor) => {
  const { repository, created } = await grantRepository(actor, orgId, repositoryId);
  revalidatePath(customerPath(slug), 'layout');
  return { message: created ? `Granted ${repository.name}.` : `Already granted ${repository.name}.` };
});

export const grantVersionsAction = staffAction(
  'grants.manage',
  orgIdSchema.extend({ repositoryId: z.string().min(1), channel: z.string().max(2000).optional(), versionRange: z.string().max(2000).optional() }),
  async ({ orgId, slug, repositoryId, channel, versionRange }, actor) => {
    const { repository, rule, changed } = await setVersionRule(actor, orgId, repositoryId, { channel, versionRange });
    revalidatePath(customerPath(slug), 'layout');
    return { message: changed ? `${repository.name}: ${describeRule(rule)}.` : `${repository.name} already allowed ${describeRule(rule)}.` };
  },
);

export const removeGrantAction = staffAction('grants.manage', orgIdSchema.extend({ repositoryId: z.string().min(1) }), async ({ orgId, slug, repositoryId }, actor) => {
  const { repository } = await removeRepositoryGrant(actor, orgId, repositoryId);
  revalidatePath(customerPath(slug), 'layout');
  return { message: `No longer granted ${repository.name}.` };
});

export const mintTokenAction = staffAction('tokens.create', mintTokenSchema.extend({ slug: z.string().min(1) }), async ({ slug, ...input }, actor) => {
  const { token, record } = await mintToken(actor, input);
  revalidatePath(customerPath(slug), 'layout');
  return { data: await tokenReveal(input.orgId, record, token), message: `Minted ${record.name}.` };
});

export const rotateTokenAction = staffAction('tokens.rotate', rotateTokenSchema.extend({ slug: z.string().min(1) }), async ({ slug, ...input }, actor) => {
  const { token, record } = await rotateToken(actor, input);
  revalidatePath(customerPath(slug), 'layout');
  return { data: await tokenReveal(record.orgId, record, token), message: `Rotated ${record.name}.` };
});

export const revokeTokenAction = staffAction('tokens.revoke', z.object({ tokenId: z.string().min(1), slug: z.string().min(1) }), async ({ tokenId, slug }, actor) => {
  const token = await revokeToken(actor, tokenId, 'revoked by staff');
  revalidatePath(customerPath(slug), 'layout');
  return { message: `Revoked ${token.name}.` };
});

export const revokeAllTokensAction = staffAction('tokens.revoke_all', orgIdSchema, async ({ orgId, slug }, actor) => {
  const { revoked } = await revokeAllTokens(actor, orgId, 'revoked: all tokens');
  revalidatePath(customerPath(slug), 'layout');
  return { message: `Revoked ${revoked} token${revoked === 1 ? '' : 's'}.` };
});

export const setChecklistItemAction = staffAction(
  'checklist.update',
  setOnboardingItemSchema.extend({ slug: z.string().min(1) }),
  async ({ slug, ...input }, actor) => {
    await setOnboardingItem(actor, input);
    revalidatePath(customerPath(slug), 'layout');
    return { message: input.done ? 'Ticked.' : 'Unticked.' };
  },
);

/** Copying the instructions hands them over just as a download does. Called from a copy button with arguments, not a form, so not a formAction. */
export async function recordInstructionsCopiedAction(orgId: string, repositoryId: string | null): Promise<ActionResult> {
  try {
    const actor = await currentStaffActor('customers.view');
    await deliverInstructions(actor, orgId, { repositoryId, via: 'copy' });
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}

// The customer's people: staff invite the first owner(s) through the same invitation service as the portal's team page.
type Invited = { link: string; mailed: boolean; email: string };

export const inviteOwnerAction = staffAction('customers.update', inviteSchema, async (input, actor) => {
  const result = await createInvitation(actor, input);
  refresh();
  return {
    data: { link: result.link, mailed: result.mailed, email: result.invitation.email } satisfies Invited,
    message: result.mailed ? `Invitation sent to ${result.invitation.email}.` : `Invitation created for ${result.invitation.email}, but the email could not be sent.`,
  };
});

export const resendOwnerInvitationAction = staffAction('customers.update', invitationRefSchema, async (input, actor) => {
  const result = await resendInvitation(actor, input);
  refresh();
  return {
    data: { link: result.link, mailed: result.mailed, email: result.invitation.email } satisfies Invited,
    message: result.mailed ? `Invitation sent again to ${result.invitation.email}.` : 'A new link was created, but the email could not be sent.',
  };
});

export const cancelOwnerInvitationAction = staffAction('customers.update', invitationRefSchema, async (input, actor) => {
  const invitation = await revokeInvitation(actor, input);
  refresh();
  return { message: `Invitation for ${invitation.email} cancelled.` };
});

export const deactivateUserAction = staffAction('customers.deactivate', customerUserSchema, async (input, actor) => {
  const { email, sessionsEnded } = await deactivateCustomerUser(actor, input);
  refresh();
  return { message: `${email} is deactivated${sessionsEnded ? ` and was signed out of ${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'}` : ''}.` };
});

export const reactivateUserAction = staffAction('customers.deactivate', customerUserSchema, async (input, actor) => {
  const { email } = await reactivateCustomerUser(actor, input);
  refresh();
  return { message: `${email} can sign in again.` };
});

/** Limits, warning threshold and pull grace for one customer (billing staff), audited with the reason. */
export const setCustomerQuotasAction = staffAction('billing.manage', customerQuotaFormSchema.extend({ slug: z.string().optional() }), async ({ slug, ...input }, actor) => {
  await setCustomerQuotas(actor, input);
  if (slug) revalidatePath(`/admin/customers/${slug}`);
  return { message: 'Limits saved.' };
});
