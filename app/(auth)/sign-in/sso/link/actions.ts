'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { signedOutAction } from '@/lib/identity/actions';
import { ValidationError } from '@/lib/platform/errors';
import { signIn } from '@/lib/identity/auth/config';
import { clientIp } from '@/lib/identity/auth/request';
import { confirmSsoLink, LINK_COOKIE, LINK_PATH } from '@/lib/identity/sso/link';
import { issueTicket } from '@/lib/identity/sso/ticket';

const linkSchema = z.object({ password: z.string().min(1, 'Enter your Portcullis password.').max(1024) });

/** The holder of the account confirms the pending SSO link with their password, and is signed in through SSO. */
export const confirmSsoLinkAction = signedOutAction(linkSchema, async ({ password }) => {
  const jar = await cookies();
  const requestHeaders = await headers();
  const confirmed = await confirmSsoLink({ sealed: jar.get(LINK_COOKIE)?.value, password, ip: clientIp(requestHeaders), userAgent: requestHeaders.get('user-agent') });
  if (!confirmed.ok) throw new ValidationError('Incorrect password.', { password: ['Incorrect password.'] });
  jar.delete({ name: LINK_COOKIE, path: LINK_PATH });
  await signIn('sso', { ticket: issueTicket(confirmed.userId, confirmed.protocol), redirectTo: confirmed.next }); // success is a redirect
});

/** Not me / not now: forget the pending link. Not a form action: it takes no input and answers only with the redirect. */
export async function cancelSsoLinkAction(): Promise<void> {
  (await cookies()).delete({ name: LINK_COOKIE, path: LINK_PATH });
  redirect('/sign-in');
}
