'use client';

import { Plus } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useActionState, useState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { SecretRevealDialog } from '@/components/ui/secret-reveal-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

export type SecretResult = { url: string; secret: string } | null;
type SiemAction<T> = (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>>;

function useSecretReveal() {
  const router = useRouter();
  const [revealed, setRevealed] = useState<{ url: string; secret: string } | null>(null);
  const dialog = (
    <SecretRevealDialog
      open={revealed !== null}
      onClose={() => {
        setRevealed(null); // the secret leaves the page's memory here
        router.refresh();
      }}
      title="Copy the signing secret now"
      description={revealed ? `Deliveries to ${revealed.url} are signed with it (X-Portcullis-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")).` : undefined}
      values={revealed ? [{ label: 'Signing secret', value: revealed.secret }] : []}
    />
  );
  return { dialog, show: setRevealed };
}

/** Adds a destination; a generated secret is revealed once. */
export function AddDestinationForm({ slug, action }: { slug: string; action: SiemAction<SecretResult> }) {
  const { dialog, show } = useSecretReveal();
  const [state, dispatch, pending] = useActionState<ActionState<SecretResult>, FormData>(async (previous, formData) => {
    const result = await action(previous, formData);
    if (result.ok && result.data) show(result.data);
    return result;
  }, null);
  return (
    <>
      <Form action={dispatch} state={state} className="space-y-4">
        <input type="hidden" name="slug" value={slug} />
        <TextField name="url" label="Endpoint URL" placeholder="https://siem.example.com/hooks/portcullis" required hint="Each audit event is POSTed here as signed JSON." />
        <TextField
          name="secret"
          label="Signing secret"
          type="password"
          autoComplete="new-password"
          hint="Leave blank to generate a strong one (shown once). At least 24 characters if you choose your own."
        />
        <SubmitButton pending={pending}>
          <Plus aria-hidden="true" />
          Add destination
        </SubmitButton>
      </Form>
      {dialog}
    </>
  );
}

/** Rotate the secret (confirmed, then revealed once). */
export function RotateSecretButton({ slug, id, url, action }: { slug: string; id: string; url: string; action: SiemAction<SecretResult> }) {
  const { dialog, show } = useSecretReveal();
  return (
    <>
      <ConfirmDialog<SecretResult>
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        tone="primary"
        trigger={{ label: 'Rotate secret', variant: 'secondary', size: 'sm' }}
        action={action}
        fields={{ slug, id, rotateSecret: 'true' }}
        onSuccess={(data) => data && show(data)}
      >
        Deliveries to {url} will be signed with a new secret from now on; update your receiver right away.
      </ConfirmDialog>
      {dialog}
    </>
  );
}
