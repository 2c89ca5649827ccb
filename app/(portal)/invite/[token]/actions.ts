'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ActionResult } from '@/lib/action-result';
import { formAction, formDataToObject, toActionError } from '@/lib/actions';
import { signIn } from '@/lib/auth/config';
import { clientIp } from '@/lib/auth/request';
import { acceptAsNewUserSchema, acceptInvitation, acceptInvitationAsNewUser, acceptInvitationSchema } from '@/lib/members/invitations';

/** A signed-in user accepts an invitation addressed to them. */
export const acceptInvitationAction = formAction(acceptInvitationSchema, async (input, actor) => {
  const joined = await acceptInvitation(actor, input);
  redirect(`/portal/${joined.orgSlug}`);
});

/** Someone new creates their account from the invitation, joins, and is signed in. */
export async function acceptAsNewUserAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  try {
    const input = acceptAsNewUserSchema.parse(formDataToObject(formData));
    const requestHeaders = await headers();
    const joined = await acceptInvitationAsNewUser(input, { ip: clientIp(requestHeaders), userAgent: requestHeaders.get('user-agent') });
    await signIn('password', { email: joined.email, password: input.password, redirectTo: `/portal/${joined.orgSlug}` });
    return { ok: true, data: undefined };
  } catch (error) {
    return toActionError(error);
  }
}
