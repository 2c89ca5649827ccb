'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { signInAction } from '../actions';

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, formAction, pending] = useActionState(signInAction, null);
  return (
    <Form action={formAction} state={state} className="space-y-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
      <TextField name="email" label="Email" type="email" autoComplete="username" required autoFocus state={state} />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" required state={state} />
      <SubmitButton pending={pending} className="w-full">
        Sign in
      </SubmitButton>
    </Form>
  );
}
