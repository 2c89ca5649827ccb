'use server';

import { cookies, headers } from 'next/headers';
import { redirect, unstable_rethrow } from 'next/navigation';
import { z } from 'zod';
import type { ActionResult } from '@/lib/platform/action-result';
import { fieldErrorsOf, formDataToObject, toActionError } from '@/lib/identity/actions';
import { signIn } from '@/lib/identity/auth/config';
import { clientIp } from '@/lib/identity/auth/request';
import { confirmSsoLink, LINK_COOKIE, LINK_PATH } from '@/lib/identity/sso/link';
import { issueTicket } from '@/lib/identity/sso/ticket';

const linkSchema = z.object({ password: z.string().min(1, 'Enter your Portcullis password.').max(1024) });

/** The holder of the account confirms the pending SSO link with their password, and is signed in through SSO. */
export async function confirmSsoLinkAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const parsed = linkSchema.safeParse(formDataToObject(formData));
  if (!parsed.success) return { ok: false, error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
  const jar = await cookies();
  const requestHeaders = await headers();
  try {
    const confirmed = await confirmSsoLink({
      sealed: jar.get(LINK_COOKIE)?.value,
      password: parsed.data.password,
      ip: clientIp(requestHeaders),
      userAgent: requestHeaders.get('user-agent'),
    });
    if (!confirmed.ok) return { ok: false, error: 'Incorrect password.', fieldErrors: { password: ['Incorrect password.'] } };
    jar.delete({ name: LINK_COOKIE, path: LINK_PATH });
    await signIn('sso', { ticket: issueTicket(confirmed.userId, confirmed.protocol), redirectTo: confirmed.next });
    return { ok: true, data: undefined };
  } catch (error) {
    unstable_rethrow(error); // success is a redirect
    return toActionError(error);
  }
}

/** Not me / not now: forget the pending link. */
export async function cancelSsoLinkAction(): Promise<void> {
  (await cookies()).delete({ name: LINK_COOKIE, path: LINK_PATH });
  redirect('/sign-in');
}
