import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/identity/auth/session';
import { signOutAction } from '../../(auth)/actions';
import { SubmitButton } from '@/components/forms/submit-button';

export const metadata: Metadata = { title: 'Portal' };

/** Sends a customer to their organization; explains when they have none. */
export default async function PortalIndex() {
  const user = await getSessionUser();
  if (!user) redirect('/sign-in?callbackUrl=/portal');
  const first = user.memberships[0];
  if (first) redirect(`/portal/${first.orgSlug}`);
  if (user.staffRole) redirect('/admin');
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center bg-muted px-4">
      <Card className="w-full max-w-md">
        <CardHeader>
          <CardTitle as="h1">No organization yet</CardTitle>
          <CardDescription>
            You are signed in as {user.email}, but you are not a member of any organization. Ask an administrator of your organization to invite you.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form action={signOutAction}>
            <SubmitButton variant="secondary">
              Sign out
            </SubmitButton>
          </form>
        </CardContent>
      </Card>
    </main>
  );
}
