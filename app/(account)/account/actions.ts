'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { formAction } from '@/lib/actions';
import { signOut } from '@/lib/auth/config';
import { changePassword, changePasswordSchema } from '@/lib/auth/passwords';
import { endAllSessions, endSession, endSessionSchema } from '@/lib/auth/sessions';

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
