'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

/** Reset anyone's second factor by email (customers' people too), for staff admins. */
export function ResetMfaForm({ action }: { action: Action }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <Form action={formAction} state={state} inline className="max-w-xl gap-3" aria-label="Reset two-factor authentication">
      <TextField name="email" label="Reset the two-factor authentication of" type="email" placeholder="person@example.com" required state={state} className="min-w-64 flex-1" />
      <SubmitButton pending={pending} variant="secondary">
        Reset MFA
      </SubmitButton>
    </Form>
  );
}
