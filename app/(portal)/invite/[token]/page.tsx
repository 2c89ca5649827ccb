import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from '@/components/shell/logo';
import { Alert } from '@/components/ui/alert';
import { LinkButton } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { getSessionUser } from '@/lib/identity/auth/session';
import { formatDateTime } from '@/lib/platform/format';
import { PASSWORD_MIN_LENGTH } from '@/lib/identity/auth/password-policy';
import { INVITATION_CODE_MINUTES, previewInvitation } from '@/lib/identity/members/invitations';
import { signOutAction } from '../../../(auth)/actions';
import { AcceptInvitationForm, CreateAccountForm } from './invite-forms';
import { SubmitButton } from '@/components/forms/submit-button';

// The token is in the path: keep it out of Referer headers sent to other sites.
export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer', robots: { index: false } };

function Frame({ title, description, children }: { title: string; description?: ReactNode; children?: ReactNode }) {
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center bg-muted px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-8 flex justify-center">
          <Logo className="h-8" />
        </div>
        <Card>
          <CardHeader>
            <CardTitle as="h1">{title}</CardTitle>
            {description ? <CardDescription>{description}</CardDescription> : null}
          </CardHeader>
          {children ? <CardContent className="space-y-4">{children}</CardContent> : null}
        </Card>
      </div>
    </main>
  );
}

const ENDED = {
  accepted: 'This invitation was already used.',
  revoked: 'This invitation was withdrawn.',
  expired: 'This invitation has expired.',
} as const;

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [preview, user] = await Promise.all([previewInvitation(token), getSessionUser()]);
  const here = `/invite/${token}`;

  if (preview.status === 'invalid') {
    return <Frame title="This invitation link is not valid" description="Check that you copied the whole link, or ask for a new invitation." />;
  }
  if (preview.status !== 'pending') {
    const member = user?.memberships.find((m) => m.orgSlug === preview.orgSlug);
    return (
      <Frame title={ENDED[preview.status]} description={`Ask an administrator of ${preview.orgName} to invite you again if you still need access.`}>
        {member ? <LinkButton href={`/portal/${preview.orgSlug}`}>Go to {preview.orgName}</LinkButton> : null}
      </Frame>
    );
  }

  const description = (
    <>
      {preview.invitedBy ? `${preview.invitedBy} invited ` : 'You are invited: '}
      <strong className="text-foreground">{preview.email}</strong> to join <strong className="text-foreground">{preview.orgName}</strong> as{' '}
      <strong className="text-foreground">{preview.roleLabel}</strong>. The link expires {formatDateTime(preview.expiresAt)}.
    </>
  );
  const title = `Join ${preview.orgName}`;

  if (user) {
    if (user.email !== preview.email) {
      return (
        <Frame title={title} description={description}>
          <Alert tone="warning">
            You are signed in as {user.email}. This invitation is for {preview.email}: sign out, then open the link again and sign in with that address.
          </Alert>
          <form action={signOutAction}>
            <SubmitButton variant="secondary" className="w-full">
              Sign out
            </SubmitButton>
          </form>
        </Frame>
      );
    }
    if (user.memberships.some((m) => m.orgSlug === preview.orgSlug)) {
      return (
        <Frame title={`You are already a member of ${preview.orgName}`}>
          <LinkButton href={`/portal/${preview.orgSlug}`}>Go to {preview.orgName}</LinkButton>
        </Frame>
      );
    }
    return (
      <Frame title={title} description={description}>
        <AcceptInvitationForm token={token} orgName={preview.orgName} />
      </Frame>
    );
  }

  if (preview.hasAccount || preview.ssoRequired) {
    return (
      <Frame title={title} description={description}>
        <p className="text-sm text-muted-foreground">
          {preview.ssoRequired ? `${preview.email.split('@')[1]} signs in with single sign-on.` : `You already have an account as ${preview.email}.`} Sign in to accept.
        </p>
        <LinkButton href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`} className="w-full">
          Sign in to accept
        </LinkButton>
      </Frame>
    );
  }

  return (
    <Frame title={title} description={description}>
      <CreateAccountForm token={token} email={preview.email} orgName={preview.orgName} passwordMin={PASSWORD_MIN_LENGTH} codeMinutes={INVITATION_CODE_MINUTES} />
      <p className="text-center text-xs text-muted-foreground">
        Already have an account with another address?{' '}
        <Link href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`} className="underline">
          Sign in
        </Link>{' '}
        — the invitation only works for {preview.email}.
      </p>
    </Frame>
  );
}
