'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { signedOutAction } from '@/lib/identity/actions';
import { forgotPasswordSchema, PASSWORD_RESET_LINK_MINUTES, requestPasswordReset, resetPassword, resetPasswordSchema } from '@/lib/identity/auth/passwords';
import { clientIp } from '@/lib/identity/auth/request';

async function requester() {
  const requestHeaders = await headers();
  return { ip: clientIp(requestHeaders), userAgent: requestHeaders.get('user-agent'), requestId: requestHeaders.get('x-request-id') };
}

/** Signed out: asks for a reset link. The answer is the same whether or not the address has an account. */
export const requestPasswordResetAction = signedOutAction(forgotPasswordSchema, async (input) => {
  await requestPasswordReset(input, await requester());
  return {
    message: `If an account signs in with that address, we have emailed it a link to choose a new password. The link works for ${PASSWORD_RESET_LINK_MINUTES} minutes.`,
  };
});

/** Signed out, holding the mailed link: sets the new password, which signs the account out everywhere. */
export const resetPasswordAction = signedOutAction(resetPasswordSchema, async (input) => {
  await resetPassword(input, await requester());
  redirect('/sign-in?reset=done');
});
