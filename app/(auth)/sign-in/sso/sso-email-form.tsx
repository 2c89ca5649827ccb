'use client';

import { KeyRound } from 'lucide-react';
import { useActionState, useEffect } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { buttonVariants } from '@/components/ui/button';
import { ssoEmailAction } from './actions';

export function SsoEmailForm({ callbackUrl, email }: { callbackUrl?: string; email?: string }) {
  const [state, formAction, pending] = useActionState(ssoEmailAction, null);
  const choice = state?.ok ? state.data : null;
  const go = choice?.go ?? null;
  useEffect(() => {
    // A plain navigation: the start endpoint is a route handler that redirects to the IdP.
    if (go) window.location.assign(go);
  }, [go]);
  return (
    <div className="space-y-4">
      <Form action={formAction} state={state} className="space-y-4" toastOnSuccess={false}>
        <input type="hidden" name="callbackUrl" value={callbackUrl ?? ''} />
        <TextField name="email" label="Work email" type="email" autoComplete="username" required autoFocus defaultValue={email} state={state} />
        <SubmitButton pending={pending} className="w-full">
          Continue with SSO
        </SubmitButton>
      </Form>
      {go ? (
        <p className="text-center text-sm text-muted-foreground" aria-live="polite">
          Taking you to {choice?.orgName}’s identity provider…
        </p>
      ) : null}
      {choice && !go ? (
        <div className="space-y-2" aria-live="polite">
          <p className="text-sm text-muted-foreground">{choice.orgName} has several identity providers. Choose one:</p>
          <ul className="space-y-2">
            {choice.connections.map((connection) => (
              <li key={connection.href}>
                {/* A plain anchor: the start endpoint is a route handler that redirects to the IdP. */}
                <a href={connection.href} className={buttonVariants({ variant: 'secondary', className: 'w-full justify-start' })}>
                  <KeyRound aria-hidden="true" />
                  {connection.name}
                  <span className="ml-auto text-xs text-muted-foreground uppercase">{connection.protocol}</span>
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
