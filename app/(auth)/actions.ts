'use server';

import { CredentialsSignin } from 'next-auth';
import { cookies } from 'next/headers';
import { redirect, unstable_rethrow } from 'next/navigation';
import { z } from 'zod';
import type { ActionResult } from '@/lib/platform/action-result';
import { fieldErrorsOf, formDataToObject } from '@/lib/identity/actions';
import { signIn, signOut } from '@/lib/identity/auth/config';
import { MFA_TICKET_COOKIE } from '@/lib/identity/auth/mfa';
import { waitText } from '@/lib/identity/auth/sign-in-limiter';
import { log } from '@/lib/platform/log';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';

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
      // The password was right and the account has a second factor: the ticket cookie is set, the code comes next.
      if (code === 'mfa_required') redirect(mfaStepPath(parsed.data.callbackUrl));
      if (code === 'rate_limited') return { ok: false, error: `Too many sign-in attempts. Try again in ${waitText(Number(wait) || 60)}.` };
      return { ok: false, error: REFUSALS[code] ?? 'Sign-in failed. Please try again.' };
    }
    log.error({ err: error }, 'sign-in failed');
    return { ok: false, error: 'Sign-in failed. Please try again.' };
  }
}

function mfaStepPath(callbackUrl: string | undefined): string {
  const next = safeRedirectPath(callbackUrl);
  return next === '/' ? '/sign-in/mfa' : `/sign-in/mfa?callbackUrl=${encodeURIComponent(next)}`;
}

const mfaSignInSchema = z.object({
  code: z.string().trim().min(1, 'Enter the code from your authenticator app, or a recovery code.').max(64, 'That is not a code.'),
  callbackUrl: z.string().optional(),
});

/** The second step of a password sign-in (lib/identity/auth/mfa.ts): the ticket from the cookie the first step set, and a code. */
export async function mfaSignInAction(_previous: unknown, formData: FormData): Promise<ActionResult> {
  const parsed = mfaSignInSchema.safeParse(formDataToObject(formData));
  if (!parsed.success) {
    return { ok: false, error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error), status: 400 };
  }
  const jar = await cookies();
  const ticket = jar.get(MFA_TICKET_COOKIE)?.value;
  if (!ticket) return { ok: false, error: MFA_EXPIRED, status: 401 };
  try {
    await signIn('mfa', { ticket, code: parsed.data.code, redirectTo: safeRedirectPath(parsed.data.callbackUrl) });
    return { ok: true, data: undefined };
  } catch (error) {
    unstable_rethrow(error); // success is a redirect
    if (error instanceof CredentialsSignin) {
      const [code = '', detail] = error.code.split(':');
      if (code === 'rate_limited') return { ok: false, error: `Too many sign-in attempts. Try again in ${waitText(Number(detail) || 60)}.`, status: 429 };
      if (code === 'mfa_invalid') {
        const left = Number(detail);
        const more = Number.isInteger(left) && left > 0 ? ` ${left} ${left === 1 ? 'attempt' : 'attempts'} left.` : '';
        return { ok: false, error: `That code is not right.${more}`, fieldErrors: { code: ['That code is not right, or it was already used.'] }, status: 400 };
      }
      if (code === 'mfa_expired') {
        jar.delete({ name: MFA_TICKET_COOKIE, path: '/sign-in' });
        return { ok: false, error: MFA_EXPIRED, status: 401 };
      }
    }
    log.error({ err: error }, 'MFA sign-in failed');
    return { ok: false, error: 'Sign-in failed. Please try again.' };
  }
}

const MFA_EXPIRED = 'This sign-in has expired or had too many wrong codes. Sign in with your password again.';

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in' });
}
