'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

export function ChangePasswordForm({ action, email, minLength }: { action: Action; email: string; minLength: number }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <Form action={formAction} state={state} className="max-w-sm space-y-4">
      {/* For password managers: the account this password belongs to. */}
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" required state={state} />
      <TextField
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={minLength}
        hint={`At least ${minLength} characters. A few unrelated words make a strong password.`}
        state={state}
      />
      <SubmitButton pending={pending}>Change password</SubmitButton>
    </Form>
  );
}
