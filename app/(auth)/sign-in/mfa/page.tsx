import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { MFA_TICKET_COOKIE } from '@/lib/identity/auth/mfa';
import { getSessionUser } from '@/lib/identity/auth/session';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';
import { MfaSignInForm } from './mfa-sign-in-form';

export const metadata: Metadata = { title: 'Two-factor authentication' };

/** The second step of a password sign-in for an account with MFA: the password step set the ticket cookie. */
export default async function MfaSignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  if (await getSessionUser()) redirect(safeRedirectPath(callbackUrl));
  const pending = (await cookies()).has(MFA_TICKET_COOKIE);
  const signInHref = callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/sign-in';
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Two-factor authentication</CardTitle>
        <CardDescription>Enter the 6-digit code from your authenticator app, or one of your recovery codes.</CardDescription>
      </CardHeader>
      <CardContent>
        {pending ? (
          <MfaSignInForm callbackUrl={callbackUrl} />
        ) : (
          <Alert tone="info">This sign-in has expired. Sign in with your password again.</Alert>
        )}
        <p className="mt-4 text-sm">
          <Link href={signInHref} className="font-medium text-link">
            Start again
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
