'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { Alert } from '@/components/ui/alert';
import type { ActionState } from '@/lib/platform/action-result';
import { acceptAsNewUserAction, acceptInvitationAction, sendInvitationCodeAction } from './actions';

export function AcceptInvitationForm({ token, orgName }: { token: string; orgName: string }) {
  const [state, dispatch, pending] = useActionState(acceptInvitationAction, null);
  return (
    <Form action={dispatch} state={state}>
      <input type="hidden" name="token" value={token} />
      <SubmitButton pending={pending} className="w-full">
        Join {orgName}
      </SubmitButton>
    </Form>
  );
}

/**
 * Someone new first proves the invited mailbox: the code goes to that
 * address only (the person who sent the invitation has the link, not the
 * mailbox). Then they choose a name and password with the code.
 */
type Sent = { email: string; expiresAt: string; mailed: boolean };

export function CreateAccountForm({
  token,
  email,
  orgName,
  passwordMin,
  codeMinutes,
}: {
  token: string;
  email: string;
  orgName: string;
  passwordMin: number;
  codeMinutes: number;
}) {
  // A failed resend keeps the form for the code already sent.
  const [code, sendCode, sending] = useActionState(
    async (previous: { sent: Sent | null; result: ActionState<Sent> }, formData: FormData) => {
      const result = await sendInvitationCodeAction(null, formData);
      return { sent: result.ok ? result.data : previous.sent, result };
    },
    { sent: null, result: null } as { sent: Sent | null; result: ActionState<Sent> },
  );
  const [state, dispatch, pending] = useActionState(acceptAsNewUserAction, null);
  const { sent, result } = code;

  if (!sent) {
    return (
      <Form action={sendCode} state={result} className="space-y-4">
        <input type="hidden" name="token" value={token} />
        <p className="text-sm text-muted-foreground">
          To create your account, confirm that this is your address: we will email a code to <strong className="text-foreground">{email}</strong>.
        </p>
        <SubmitButton pending={sending} className="w-full">
          Email me a code
        </SubmitButton>
      </Form>
    );
  }

  return (
    <div className="space-y-4">
      {result && !result.ok ? (
        <Alert tone="danger">{result.error}</Alert>
      ) : (
        <Alert tone={sent.mailed ? 'info' : 'warning'}>
          {sent.mailed
            ? `We sent a code to ${sent.email}. It works once, for ${codeMinutes} minutes.`
            : 'The email with your code could not be sent. Try again in a minute, or ask the person who invited you to check the mail settings.'}
        </Alert>
      )}
      <Form action={dispatch} state={state} className="space-y-4">
        <input type="hidden" name="token" value={token} />
        <TextField name="email" label="Email" type="email" value={email} readOnly autoComplete="username" hint="The invited address; it becomes your sign-in." />
        <TextField name="code" label="Code from the email" inputMode="numeric" autoComplete="one-time-code" required maxLength={32} autoFocus />
        <TextField name="name" label="Your name" autoComplete="name" required maxLength={120} />
        <TextField name="password" label="Choose a password" type="password" autoComplete="new-password" required minLength={passwordMin} hint={`At least ${passwordMin} characters.`} />
        <SubmitButton pending={pending} className="w-full">
          Create account and join {orgName}
        </SubmitButton>
      </Form>
      <form action={sendCode}>
        <input type="hidden" name="token" value={token} />
        <SubmitButton pending={sending} variant="ghost" size="sm" className="w-full">
          Send a new code
        </SubmitButton>
      </form>
    </div>
  );
}
