import { CredentialsSignin } from 'next-auth';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { redirectTarget, toFormData } from '@/dev/sweeps/harness';
import { mfaSignInAction, signInAction } from './actions';

/** How the password and MFA steps answer each refusal next-auth reports, through signedOutAction. */

const signIn = vi.fn();
let ticket: string | undefined;
// next-auth's own modules need the Next.js server runtime; the action only needs its refusal class.
vi.mock('next-auth', () => ({ CredentialsSignin: class CredentialsSignin extends Error { code = 'credentials'; } }));
vi.mock('@/lib/identity/auth/config', () => ({ signIn: (...args: unknown[]) => signIn(...args), signOut: async () => {} }));
vi.mock('@/lib/identity/auth/session', () => ({ currentActor: async () => null }));
vi.mock('next/headers', () => ({ cookies: async () => ({ get: () => (ticket ? { value: ticket } : undefined), delete: () => {} }) }));

function refusal(code: string) {
  const error = new CredentialsSignin();
  error.code = code;
  return error;
}

beforeEach(() => {
  signIn.mockReset();
  ticket = undefined;
});

describe('signInAction', () => {
  it('answers field errors for a bad form without trying to sign in', async () => {
    expect(await signInAction(null, toFormData({ email: 'not-an-email', password: '' }))).toMatchObject({
      ok: false,
      error: 'Please correct the highlighted fields.',
      fieldErrors: { email: ['Enter a valid email address.'], password: ['Enter your password.'] },
    });
    expect(await signInAction(null, toFormData({ email: '', password: 'x' }))).toMatchObject({ fieldErrors: { email: ['Enter your email address.'] } });
    expect(signIn).not.toHaveBeenCalled();
  });

  it('maps each refusal to what the form shows, and sends a second factor to the MFA step', async () => {
    const form = toFormData({ email: 'pat@example.test', password: 'secret', callbackUrl: '/portal/acme' });
    signIn.mockRejectedValueOnce(refusal('invalid'));
    expect(await signInAction(null, form)).toMatchObject({ ok: false, error: 'Incorrect email or password.', status: 401 });
    signIn.mockRejectedValueOnce(refusal('rate_limited:120'));
    expect(await signInAction(null, form)).toMatchObject({ ok: false, error: 'Too many sign-in attempts. Try again in 2 minutes.', status: 429 });
    signIn.mockRejectedValueOnce(new Error('database down'));
    expect(await signInAction(null, form)).toMatchObject({ ok: false, error: 'Sign-in failed. Please try again.' });
    signIn.mockRejectedValueOnce(refusal('mfa_required'));
    expect(redirectTarget(await signInAction(null, form).catch((error: unknown) => error))).toBe('/sign-in/mfa?callbackUrl=%2Fportal%2Facme');
    expect(signIn).toHaveBeenLastCalledWith('password', { email: 'pat@example.test', password: 'secret', redirectTo: '/portal/acme' });
  });
});

describe('mfaSignInAction', () => {
  it('needs the ticket cookie, and says how many attempts are left', async () => {
    expect(await mfaSignInAction(null, toFormData({ code: '123456' }))).toMatchObject({ ok: false, status: 401, error: expect.stringMatching(/^This sign-in has expired/) });
    ticket = 'ticket';
    signIn.mockRejectedValueOnce(refusal('mfa_invalid:2'));
    expect(await mfaSignInAction(null, toFormData({ code: '123456' }))).toMatchObject({
      ok: false,
      status: 400,
      error: 'That code is not right. 2 attempts left.',
      fieldErrors: { code: ['That code is not right, or it was already used.'] },
    });
  });
});
