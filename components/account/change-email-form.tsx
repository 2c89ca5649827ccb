'use client';

import { useActionState, useState } from 'react';
import { toast } from 'sonner';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { Button } from '@/components/ui/button';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

type Requested = { newEmail: string; expiresAt: string; mailed: boolean };
type RequestAction = (state: ActionState<Requested>, formData: FormData) => Promise<ActionResult<Requested>>;
type ConfirmAction = (state: ActionState<{ email: string }>, formData: FormData) => Promise<ActionResult<{ email: string }>>;

/** Two steps: the current password and the new address (a code goes there), then the code typed back. */
export function ChangeEmailForm({ email, requestAction, confirmAction }: { email: string; requestAction: RequestAction; confirmAction: ConfirmAction }) {
  const [pendingAddress, setPendingAddress] = useState<string | null>(null);
  const [requested, request, requesting] = useActionState<ActionState<Requested>, FormData>(async (previous, formData) => {
    const result = await requestAction(previous, formData);
    if (result.ok && result.data.mailed) setPendingAddress(result.data.newEmail);
    return result;
  }, null);
  const [confirmed, confirm, confirming] = useActionState<ActionState<{ email: string }>, FormData>(async (previous, formData) => {
    const result = await confirmAction(previous, formData);
    // The code form goes away on success, so the toast is shown from here.
    if (result.ok) {
      setPendingAddress(null);
      if (result.message) toast.success(result.message);
    }
    return result;
  }, null);

  if (pendingAddress) {
    return (
      <Form action={confirm} state={confirmed} toastOnSuccess={false} className="max-w-sm space-y-4">
        <p className="text-sm" role="status">
          We sent a code to <strong>{pendingAddress}</strong>. Type it here to make it your address; until then, {email} stays.
        </p>
        <input type="hidden" name="newEmail" value={pendingAddress} />
        <TextField name="code" label="Code from the email" inputMode="numeric" autoComplete="one-time-code" required state={confirmed} data-autofocus />
        <div className="flex gap-2">
          <SubmitButton pending={confirming}>Confirm new address</SubmitButton>
          <Button variant="ghost" onClick={() => setPendingAddress(null)} disabled={confirming}>
            Start over
          </Button>
        </div>
      </Form>
    );
  }
  return (
    <Form action={request} state={requested} toastOnSuccess={false} className="max-w-sm space-y-4">
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <TextField name="newEmail" label="New email address" type="email" autoComplete="email" required state={requested} />
      <TextField name="password" label="Current password" type="password" autoComplete="current-password" required state={requested} />
      <SubmitButton pending={requesting}>Email me a code</SubmitButton>
    </Form>
  );
}
