'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { resetPasswordAction } from '../../forgot-password/actions';

export function ResetPasswordForm({ token, email, minLength }: { token: string; email: string; minLength: number }) {
  const [state, formAction, pending] = useActionState(resetPasswordAction, null);
  return (
    <Form action={formAction} state={state} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      {/* For password managers: the account this password belongs to. */}
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <TextField
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        autoFocus
        minLength={minLength}
        hint={`At least ${minLength} characters. A few unrelated words make a strong password.`}
        state={state}
      />
      <SubmitButton pending={pending} className="w-full">
        Set new password
      </SubmitButton>
    </Form>
  );
}
