import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/auth/session';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  if (await getSessionUser()) redirect(callbackUrl?.startsWith('/') ? callbackUrl : '/');
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Sign in to Portcullis</CardTitle>
        <CardDescription>Vendor staff and customers with a password account.</CardDescription>
      </CardHeader>
      <CardContent>
        <SignInForm callbackUrl={callbackUrl} />
      </CardContent>
    </Card>
  );
}
