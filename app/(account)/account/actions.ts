'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { deleteAccountSchema, deleteOwnAccount } from '@/lib/identity/accounts/delete-account';
import { confirmEmailChange, confirmEmailChangeSchema, requestEmailChange, requestEmailChangeSchema } from '@/lib/identity/accounts/email-change';
import { formAction } from '@/lib/identity/actions';
import { signOut } from '@/lib/identity/auth/config';
import { changePassword, changePasswordSchema } from '@/lib/identity/auth/passwords';
import {
  beginMfaEnrolment,
  confirmMfaEnrolment,
  disableMfa,
  disableMfaSchema,
  mfaCodeSchema,
  passwordConfirmSchema,
  regenerateRecoveryCodes,
} from '@/lib/identity/auth/mfa';
import { endAllSessions, endSession, endSessionSchema } from '@/lib/identity/auth/sessions';

export const changePasswordAction = formAction(changePasswordSchema, async (input, actor) => {
  await changePassword(actor, input);
  revalidatePath('/account');
  return { message: 'Password changed. Your other devices were signed out.' };
});

export const endSessionAction = formAction(endSessionSchema, async (input, actor) => {
  const { current } = await endSession(actor, input);
  if (current) redirect('/sign-in');
  revalidatePath('/account');
  return { message: 'That device was signed out.' };
});

export const endOtherSessionsAction = formAction(z.object({}), async (_input, actor) => {
  const { ended } = await endAllSessions(actor, { includeCurrent: false });
  revalidatePath('/account');
  return { message: ended === 0 ? 'No other device was signed in.' : `${ended} other ${ended === 1 ? 'device was' : 'devices were'} signed out.` };
});

/** Ends every session, this one included, and clears this browser's cookie. */
export const endAllSessionsAction = formAction(z.object({}), async (_input, actor) => {
  await endAllSessions(actor, { includeCurrent: true });
  await signOut({ redirectTo: '/sign-in' });
});

/** Step one of an address change: the current password, then a code goes to the new address. */
export const requestEmailChangeAction = formAction(requestEmailChangeSchema, async (input, actor) => {
  const sent = await requestEmailChange(actor, input);
  return {
    data: { newEmail: sent.newEmail, expiresAt: sent.expiresAt.toISOString(), mailed: sent.mailed },
    message: sent.mailed ? `We sent a code to ${sent.newEmail}.` : `The code could not be sent to ${sent.newEmail}. Try again later.`,
  };
});

/** Step two: the code from the new mailbox changes the address. */
export const confirmEmailChangeAction = formAction(confirmEmailChangeSchema, async (input, actor) => {
  const { email } = await confirmEmailChange(actor, input);
  revalidatePath('/account');
  return { data: { email }, message: `Your address is now ${email}.` };
});

/** Deletes the signed-in person's account, then clears this browser's cookie. */
export const deleteAccountAction = formAction(deleteAccountSchema, async (input, actor) => {
  await deleteOwnAccount(actor, input);
  await signOut({ redirectTo: '/sign-in' });
});

/** Two-factor authentication, step one: the password again, then a new secret to scan (lib/identity/auth/mfa.ts). */
export const beginMfaEnrolmentAction = formAction(passwordConfirmSchema, async (input, actor) => {
  return { data: await beginMfaEnrolment(actor, input) };
});

/** Step two: the first code turns MFA on; the recovery codes come back once. */
export const confirmMfaEnrolmentAction = formAction(mfaCodeSchema, async (input, actor) => {
  const data = await confirmMfaEnrolment(actor, input);
  revalidatePath('/account');
  return { data, message: 'Two-factor authentication is on.' };
});

export const regenerateRecoveryCodesAction = formAction(passwordConfirmSchema, async (input, actor) => {
  const data = await regenerateRecoveryCodes(actor, input);
  revalidatePath('/account');
  return { data, message: 'New recovery codes made; the old ones no longer work.' };
});

export const disableMfaAction = formAction(disableMfaSchema, async (input, actor) => {
  await disableMfa(actor, input);
  revalidatePath('/account');
  return { message: 'Two-factor authentication is off.' };
});
