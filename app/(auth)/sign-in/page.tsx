import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Building2, KeyRound } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/identity/auth/session';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';
import { staffSsoOffered } from '@/lib/identity/sso/staff/connection';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; reset?: string }> }) {
  const { callbackUrl, reset } = await searchParams;
  if (await getSessionUser()) redirect(safeRedirectPath(callbackUrl));
  const staffSso = await staffSsoOffered();
  const staffNext = callbackUrl && safeRedirectPath(callbackUrl).startsWith('/admin') ? `&next=${encodeURIComponent(safeRedirectPath(callbackUrl))}` : '';
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Sign in to Portcullis</CardTitle>
        <CardDescription>Vendor staff and customers. Your organization may use single sign-on.</CardDescription>
      </CardHeader>
      <CardContent>
        {reset === 'done' ? (
          <Alert tone="success" className="mb-4">
            Your password was changed and every device was signed out. Sign in with your new password.
          </Alert>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} />
        <p className="mt-3 text-right text-sm">
          <Link href="/forgot-password" className="font-medium text-link">
            Forgot your password?
          </Link>
        </p>
        <div className="my-5 flex items-center gap-3 text-xs text-muted-foreground" aria-hidden="true">
          <span className="h-px flex-1 bg-border" />
          or
          <span className="h-px flex-1 bg-border" />
        </div>
        <Link
          href={callbackUrl ? `/sign-in/sso?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/sign-in/sso'}
          className={buttonVariants({ variant: 'secondary', className: 'w-full' })}
        >
          <KeyRound aria-hidden="true" />
          Sign in with SSO
        </Link>
        {staffSso ? (
          // A plain link: the browser goes to the vendor's IdP (a route handler answers with the redirect).
          <a href={`/api/sso/start?staff=1${staffNext}`} className={buttonVariants({ variant: 'ghost', className: 'mt-2 w-full' })}>
            <Building2 aria-hidden="true" />
            Sign in with your company SSO (staff)
          </a>
        ) : null}
      </CardContent>
    </Card>
  );
}
