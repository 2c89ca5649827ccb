'use server';

import { CredentialsSignin } from 'next-auth';
import { cookies } from 'next/headers';
import { redirect, unstable_rethrow } from 'next/navigation';
import { z } from 'zod';
import { signedOutAction } from '@/lib/identity/actions';
import { signIn, signOut } from '@/lib/identity/auth/config';
import { MFA_TICKET_COOKIE } from '@/lib/identity/auth/mfa';
import { waitText } from '@/lib/identity/auth/sign-in-limiter';
import { AppError, RateLimitedError, UnauthorizedError, ValidationError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import { emailField } from '@/lib/platform/form-fields';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';

const signInSchema = z.object({
  email: emailField('Enter your email address.'),
  password: z.string().min(1, 'Enter your password.').max(1024),
  callbackUrl: z.string().optional(),
});

const REFUSALS: Record<string, string> = {
  invalid: 'Incorrect email or password.',
  sso_required: 'Your organization requires single sign-on. Use "Sign in with SSO" instead.',
  staff_sso_required: 'Staff sign in with the company SSO. Use "Sign in with your company SSO (staff)" instead.',
};

export const signInAction = signedOutAction(signInSchema, async ({ email, password, callbackUrl }) => {
  try {
    await signIn('password', { email, password, redirectTo: safeRedirectPath(callbackUrl) });
  } catch (error) {
    unstable_rethrow(error); // success is a redirect
    if (error instanceof CredentialsSignin) {
      const [code = '', wait] = error.code.split(':');
      // The password was right and the account has a second factor: the ticket cookie is set, the code comes next.
      if (code === 'mfa_required') redirect(mfaStepPath(callbackUrl));
      if (code === 'rate_limited') throw rateLimited(wait);
      throw new UnauthorizedError(REFUSALS[code] ?? SIGN_IN_FAILED);
    }
    log.error({ err: error }, 'sign-in failed');
    throw new AppError(SIGN_IN_FAILED, 500, 'sign_in_failed');
  }
});

const SIGN_IN_FAILED = 'Sign-in failed. Please try again.';

function rateLimited(wait: string | undefined) {
  const seconds = Number(wait) || 60;
  return new RateLimitedError(`Too many sign-in attempts. Try again in ${waitText(seconds)}.`, seconds);
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
export const mfaSignInAction = signedOutAction(mfaSignInSchema, async ({ code, callbackUrl }) => {
  const jar = await cookies();
  const ticket = jar.get(MFA_TICKET_COOKIE)?.value;
  if (!ticket) throw new UnauthorizedError(MFA_EXPIRED);
  try {
    await signIn('mfa', { ticket, code, redirectTo: safeRedirectPath(callbackUrl) });
  } catch (error) {
    unstable_rethrow(error); // success is a redirect
    if (error instanceof CredentialsSignin) {
      const [refusal = '', detail] = error.code.split(':');
      if (refusal === 'rate_limited') throw rateLimited(detail);
      if (refusal === 'mfa_invalid') {
        const left = Number(detail);
        const more = Number.isInteger(left) && left > 0 ? ` ${left} ${left === 1 ? 'attempt' : 'attempts'} left.` : '';
        throw new ValidationError(`That code is not right.${more}`, { code: ['That code is not right, or it was already used.'] });
      }
      if (refusal === 'mfa_expired') {
        jar.delete({ name: MFA_TICKET_COOKIE, path: '/sign-in' });
        throw new UnauthorizedError(MFA_EXPIRED);
      }
    }
    log.error({ err: error }, 'MFA sign-in failed');
    throw new AppError(SIGN_IN_FAILED, 500, 'sign_in_failed');
  }
});

const MFA_EXPIRED = 'This sign-in has expired or had too many wrong codes. Sign in with your password again.';

/** Not a form action: it takes no input and answers only with the redirect. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: '/sign-in' });
}
