import type { Metadata } from 'next';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { isSsoErrorCode, SSO_ERRORS } from '@/lib/identity/sso/errors';

export const metadata: Metadata = { title: 'Single sign-on failed' };

/** Where every refused SSO sign-in ends: no session was created. */
export default async function SsoErrorPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  const { reason } = await searchParams;
  const code = isSsoErrorCode(reason) ? reason : 'error';
  return (
    <Card>
      <CardHeader>
        <CardTitle as="h1">Single sign-on failed</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        <Alert tone="danger" title="You are not signed in">
          {SSO_ERRORS[code]}
        </Alert>
        <p className="text-sm text-muted-foreground">
          If this keeps happening, tell your administrator the error code <code className="font-mono">{code}</code>.
        </p>
        <div className="flex gap-2">
          <LinkButton href="/sign-in/sso">Try again</LinkButton>
          <LinkButton href="/sign-in" variant="secondary">
            Password sign-in
          </LinkButton>
        </div>
      </CardContent>
    </Card>
  );
}
