'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { mfaSignInAction } from '../../actions';

export function MfaSignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [state, formAction, pending] = useActionState(mfaSignInAction, null);
  return (
    <Form action={formAction} state={state} className="space-y-4">
      <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
      <TextField
        name="code"
        label="Authentication code"
        autoComplete="one-time-code"
        inputMode="text"
        spellCheck={false}
        autoCapitalize="off"
        required
        autoFocus
        hint="A recovery code looks like abcde-fghjk and works once."
        state={state}
      />
      <SubmitButton pending={pending} className="w-full">
        Verify
      </SubmitButton>
    </Form>
  );
}
