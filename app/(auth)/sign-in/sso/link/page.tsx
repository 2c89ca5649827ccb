import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { LINK_COOKIE, pendingLinkView } from '@/lib/identity/sso/link';
import { cancelSsoLinkAction } from './actions';
import { LinkForm } from './link-form';
import { SubmitButton } from '@/components/forms/submit-button';

export const metadata: Metadata = { title: 'Link your account' };

/** Where an SSO sign-in for an existing account ends until its holder confirms the link with their password. */
export default async function SsoLinkPage() {
  const pending = await pendingLinkView((await cookies()).get(LINK_COOKIE)?.value);
  if (!pending) {
    return (
      <Card>
        <CardHeader>
          <CardTitle as="h1">Nothing to link</CardTitle>
          <CardDescription>No single sign-on is waiting to be linked in this browser, or it expired.</CardDescription>
        </CardHeader>
        <CardContent className="flex gap-2">
          <LinkButton href="/sign-in/sso">Sign in with SSO</LinkButton>
          <LinkButton href="/sign-in" variant="secondary">
            Password sign-in
          </LinkButton>
        </CardContent>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Sign in with your password to link this identity</CardTitle>
        <CardDescription>
          You already have a Portcullis account as <strong>{pending.email}</strong>.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <Alert tone="warning" title={`Link ${pending.connectionName} to your account?`}>
          {pending.orgName}’s identity provider “{pending.connectionName}” ({pending.protocol.toUpperCase()}) says this is you. Once linked, whoever can sign in to that
          identity provider as {pending.email} can sign in to your Portcullis account, in every organization you belong to. If you did not just sign in there
          yourself, cancel.
        </Alert>
        <LinkForm email={pending.email} />
        <form action={cancelSsoLinkAction}>
          <SubmitButton variant="ghost" className="w-full">
            Cancel, do not link
          </SubmitButton>
        </form>
      </CardContent>
    </Card>
  );
}
