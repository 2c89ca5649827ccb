'use server';

import { refresh } from 'next/cache';
import { redirect } from 'next/navigation';
import { formAction } from '@/lib/identity/actions';
import { createInvitation, invitationRefSchema, inviteSchema, resendInvitation, revokeInvitation } from '@/lib/identity/members/invitations';
import { changeMemberRole, changeRoleSchema, leaveOrg, leaveOrgSchema, removeMember, removeMemberSchema } from '@/lib/identity/members/members';

export const inviteMemberAction = formAction(inviteSchema, async (input, actor) => {
  const result = await createInvitation(actor, input);
  refresh();
  return {
    data: { link: result.link, mailed: result.mailed, email: result.invitation.email },
    message: result.mailed ? `Invitation sent to ${result.invitation.email}.` : `Invitation created for ${result.invitation.email}, but the email could not be sent.`,
  };
});

export const resendInvitationAction = formAction(invitationRefSchema, async (input, actor) => {
  const result = await resendInvitation(actor, input);
  refresh();
  return {
    data: { link: result.link, mailed: result.mailed, email: result.invitation.email },
    message: result.mailed ? `Invitation sent again to ${result.invitation.email}.` : 'A new link was created, but the email could not be sent.',
  };
});

export const revokeInvitationAction = formAction(invitationRefSchema, async (input, actor) => {
  const invitation = await revokeInvitation(actor, input);
  refresh();
  return { message: `Invitation for ${invitation.email} withdrawn.` };
});

export const changeMemberRoleAction = formAction(changeRoleSchema, async (input, actor) => {
  const member = await changeMemberRole(actor, input);
  refresh();
  return { message: `${member.name ?? member.email} is now ${member.roleLabel}.` };
});

export const removeMemberAction = formAction(removeMemberSchema, async (input, actor) => {
  const removed = await removeMember(actor, input);
  refresh();
  return { message: `${removed.email} was removed.` };
});

export const leaveOrgAction = formAction(leaveOrgSchema, async (input, actor) => {
  await leaveOrg(actor, input);
  redirect('/portal');
});
