'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

/** Deleting one's account: the current password, or (SSO only) one's address typed out. */
export function DeleteAccountForm({ action, email, hasPassword }: { action: Action; email: string; hasPassword: boolean }) {
  const [state, dispatch, pending] = useActionState(action, null);
  return (
    <Form action={dispatch} state={state} className="max-w-sm space-y-4">
      <input type="hidden" name="username" autoComplete="username" value={email} />
      {hasPassword ? (
        <TextField name="password" label="Current password" type="password" autoComplete="current-password" required state={state} />
      ) : (
        <TextField name="email" label={`Type ${email} to confirm`} type="email" autoComplete="off" required state={state} />
      )}
      <SubmitButton pending={pending} variant="danger">
        Delete my account
      </SubmitButton>
    </Form>
  );
}
