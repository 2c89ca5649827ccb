'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { acceptAsNewUserAction, acceptInvitationAction } from './actions';

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

export function CreateAccountForm({ token, email, orgName, passwordMin }: { token: string; email: string; orgName: string; passwordMin: number }) {
  const [state, dispatch, pending] = useActionState(acceptAsNewUserAction, null);
  return (
    <Form action={dispatch} state={state} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <TextField name="email" label="Email" type="email" value={email} readOnly autoComplete="username" hint="The invited address; it becomes your sign-in." />
      <TextField name="name" label="Your name" autoComplete="name" required maxLength={120} autoFocus />
      <TextField name="password" label="Choose a password" type="password" autoComplete="new-password" required minLength={passwordMin} hint={`At least ${passwordMin} characters.`} />
      <SubmitButton pending={pending} className="w-full">
        Create account and join {orgName}
      </SubmitButton>
    </Form>
  );
}
