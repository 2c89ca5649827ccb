'use server';

import { CredentialsSignin } from 'next-auth';
import { unstable_rethrow } from 'next/navigation';
import { z } from 'zod';
import type { ActionResult } from '@/lib/action-result';
import { fieldErrorsOf, formDataToObject } from '@/lib/actions';
import { signIn, signOut } from '@/lib/auth/config';
import { waitText } from '@/lib/auth/sign-in-limiter';
import { log } from '@/lib/log';
import { safeRedirectPath } from '@/lib/net/safe-redirect';

const signInSchema = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').email('Enter a valid email address.').max(320),
  password: z.string().min(1, 'Enter your password.').max(1024),
  callbackUrl: z.string().optional(),
});

const REFUSALS: Record<string, string> = {
  invalid: 'Incorrect email or password.',
  sso_required: 'Your organization requires single sign-on. Use "Sign in with SSO" instead.',
  staff_sso_required: 'Staff sign in with the company SSO. Use "Sign in with your company SSO (staff)" instead.',
};

export async function signInAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const parsed = signInSchema.safeParse(formDataToObject(formData));
  if (!parsed.success) {
    return { ok: false, error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
  }
  try {
    await signIn('password', {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeRedirectPath(parsed.data.callbackUrl),
    });
    return { ok: true, data: undefined };
  } catch (error) {
    unstable_rethrow(error); // success is a redirect
    if (error instanceof CredentialsSignin) {
      const [code = '', wait] = error.code.split(':');
      if (code === 'rate_limited') return { ok: false, error: `Too many sign-in attempts. Try again in ${waitText(Number(wait) || 60)}.` };
      return { ok: false, error: REFUSALS[code] ?? 'Sign-in failed. Please try again.' };
    }
    log.error({ err: error }, 'sign-in failed');
    return { ok: false, error: 'Sign-in failed. Please try again.' };
  }
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in' });
}
