import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/identity/auth/session';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';
import { SsoEmailForm } from './sso-email-form';

export const metadata: Metadata = { title: 'Sign in with SSO' };

export default async function SsoSignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; email?: string }> }) {
  const { callbackUrl, email } = await searchParams;
  if (await getSessionUser()) redirect(safeRedirectPath(callbackUrl));
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Sign in with SSO</CardTitle>
        <CardDescription>Enter your work email and we will send you to your organization’s identity provider.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <SsoEmailForm callbackUrl={callbackUrl} email={email} />
        <p className="text-center text-sm text-muted-foreground">
          <Link href={callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/sign-in'} className="text-primary-strong underline-offset-4 hover:underline">
            Sign in with a password instead
          </Link>
        </p>
      </CardContent>
    </Card>
  );
}
