import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { PASSWORD_MIN_LENGTH } from '@/lib/identity/auth/password-policy';
import { previewPasswordReset } from '@/lib/identity/auth/passwords';
import { ResetPasswordForm } from './reset-password-form';

// The link is a credential: never send it on as a Referer.
export const metadata: Metadata = { title: 'Choose a new password', referrer: 'no-referrer' };

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const reset = await previewPasswordReset(token);
  if (!reset) {
    return (
      <Card>
        <CardHeader>
          <CardTitle as="h1">This link no longer works</CardTitle>
          <CardDescription>Reset links work once, for a short time, and only the newest one works.</CardDescription>
        </CardHeader>
        <CardContent>
          <Link href="/forgot-password" className="font-medium text-link">
            Ask for a new link
          </Link>
        </CardContent>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Choose a new password</CardTitle>
        <CardDescription>For {reset.email}. Every device signed in to this account will be signed out.</CardDescription>
      </CardHeader>
      <CardContent>
        <ResetPasswordForm token={token} email={reset.email} minLength={PASSWORD_MIN_LENGTH} />
      </CardContent>
    </Card>
  );
}
