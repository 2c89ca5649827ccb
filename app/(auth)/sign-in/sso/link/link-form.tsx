'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { confirmSsoLinkAction } from './actions';

export function LinkForm({ email }: { email: string }) {
  const [state, formAction, pending] = useActionState(confirmSsoLinkAction, null);
  return (
    <Form action={formAction} state={state} className="space-y-4" toastOnSuccess={false}>
      {/* For password managers: the account this password belongs to. */}
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <TextField name="password" label="Your Portcullis password" type="password" autoComplete="current-password" required autoFocus state={state} />
      <SubmitButton pending={pending} className="w-full">
        Link and sign in
      </SubmitButton>
    </Form>
  );
}
