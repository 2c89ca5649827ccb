'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { Alert } from '@/components/ui/alert';
import { requestPasswordResetAction } from './actions';

export function ForgotPasswordForm() {
  const [state, formAction, pending] = useActionState(requestPasswordResetAction, null);
  if (state?.ok) return <Alert tone="success" title="Check your email">{state.message}</Alert>;
  return (
    <Form action={formAction} state={state} toastOnSuccess={false} className="space-y-4">
      <TextField name="email" label="Email" type="email" autoComplete="username" required autoFocus state={state} />
      <SubmitButton pending={pending} className="w-full">
        Email me a link
      </SubmitButton>
    </Form>
  );
}
