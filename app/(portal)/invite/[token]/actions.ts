'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { formAction, signedOutAction } from '@/lib/identity/actions';
import { signIn } from '@/lib/identity/auth/config';
import { clientIp } from '@/lib/identity/auth/request';
import { acceptAsNewUserSchema, acceptInvitation, acceptInvitationAsNewUser, acceptInvitationSchema, sendInvitationCode } from '@/lib/identity/members/invitations';

async function requester() {
  const requestHeaders = await headers();
  return { ip: clientIp(requestHeaders), userAgent: requestHeaders.get('user-agent') };
}

/** A signed-in user accepts an invitation addressed to them. */
export const acceptInvitationAction = formAction(acceptInvitationSchema, async (input, actor) => {
  const joined = await acceptInvitation(actor, input);
  redirect(`/portal/${joined.orgSlug}`);
});

/** Someone new asks for the code that proves they read the invited mailbox; it goes only to that mailbox. */
export const sendInvitationCodeAction = signedOutAction(acceptInvitationSchema, async (input) => {
  const sent = await sendInvitationCode(input, await requester());
  return { data: { email: sent.email, expiresAt: sent.expiresAt.toISOString(), mailed: sent.mailed } };
});

/** Someone new, with the emailed code, creates their account from the invitation, joins, and is signed in. */
export const acceptAsNewUserAction = signedOutAction(acceptAsNewUserSchema, async (input) => {
  const joined = await acceptInvitationAsNewUser(input, await requester());
  await signIn('password', { email: joined.email, password: input.password, redirectTo: `/portal/${joined.orgSlug}` }); // success is a redirect
});
