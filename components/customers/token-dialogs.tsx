'use client';

import { KeyRound } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { createContext, useActionState, useCallback, useContext, useState, type ReactNode } from 'react';
import { CheckboxField, Form, SelectField, SubmitButton, TextField, useFormContext } from '@/components/forms';
import { Button } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter } from '@/components/ui/dialog';
import { FieldErrors } from '@/components/ui/field';
import { SecretRevealDialog } from '@/components/ui/secret-reveal-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import type { MintedToken } from '@/lib/product/customers/token-reveal';

type TokenAction = (state: ActionState<MintedToken>, formData: FormData) => Promise<ActionResult<MintedToken>>;

/** The one-time reveal: token, docker login line, and the instructions with the token filled in. */
function Reveal({ minted, onClose, onInstructionsCopied }: { minted: MintedToken | null; onClose: () => void; onInstructionsCopied: () => void }) {
  return (
    <SecretRevealDialog
      open={minted !== null}
      onClose={onClose}
      title={`Copy the token "${minted?.name ?? ''}" now`}
      description={minted ? `Registry username: ${minted.username}. The token is stored only as a keyed hash and cannot be shown again.` : undefined}
      values={
        minted
          ? [
              { label: 'Token', value: minted.token },
              { label: 'docker login command', value: minted.dockerLogin },
              { label: 'Install instructions', value: minted.instructions, multiline: true, onCopied: onInstructionsCopied },
            ]
          : []
      }
    />
  );
}

type ShowToken = (minted: MintedToken, onInstructionsCopied: () => void) => void;
const RevealContext = createContext<ShowToken | null>(null);

/**
 * Holds the one-time reveal above the token list. A rotated token's row
 * changes or disappears when the page revalidates; a reveal kept in that row
 * would unmount with it and lose the only copy of the new token.
 */
export function TokenRevealHost({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [shown, setShown] = useState<{ minted: MintedToken; onInstructionsCopied: () => void } | null>(null);
  const show = useCallback<ShowToken>((minted, onInstructionsCopied) => setShown({ minted, onInstructionsCopied }), []);
  return (
    <RevealContext.Provider value={show}>
      {children}
      <Reveal
        minted={shown?.minted ?? null}
        onInstructionsCopied={() => shown?.onInstructionsCopied()}
        onClose={() => {
          setShown(null); // the secret leaves the page's memory here
          router.refresh();
        }}
      />
    </RevealContext.Provider>
  );
}

function useReveal(onInstructionsCopied: () => void): (minted: MintedToken) => void {
  const show = useContext(RevealContext);
  if (!show) throw new Error('Token dialogs must be inside a <TokenRevealHost>.');
  return (minted) => show(minted, onInstructionsCopied);
}

export type MintTokenDialogProps = {
  org: { id: string; slug: string; name: string };
  repositories: readonly { id: string; name: string }[];
  maxDays: number;
  defaultDays: number;
  action: TokenAction;
  onInstructionsCopied: () => void;
  disabledReason?: string | null;
};

export function MintTokenDialog({ org, repositories, maxDays, defaultDays, action, onInstructionsCopied, disabledReason }: MintTokenDialogProps) {
  const [open, setOpen] = useState(false);
  const show = useReveal(onInstructionsCopied);
  return (
    <>
      <Button onClick={() => setOpen(true)} disabled={!!disabledReason} title={disabledReason ?? undefined}>
        <KeyRound aria-hidden="true" />
        Mint token
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title={`Mint a pull token for ${org.name}`} description="Pull-only, scoped to the repositories you choose." size="md">
        <MintForm
          org={org}
          repositories={repositories}
          maxDays={maxDays}
          defaultDays={defaultDays}
          action={action}
          onCancel={() => setOpen(false)}
          onMinted={(minted) => {
            setOpen(false);
            show(minted);
          }}
        />
      </Dialog>
    </>
  );
}

function MintForm({
  org,
  repositories,
  maxDays,
  defaultDays,
  action,
  onCancel,
  onMinted,
}: Omit<MintTokenDialogProps, 'onInstructionsCopied' | 'disabledReason'> & { onCancel: () => void; onMinted: (minted: MintedToken) => void }) {
  const [state, dispatch, pending] = useActionState<ActionState<MintedToken>, FormData>(async (previous, formData) => {
    const result = await action(previous, formData);
    if (result.ok) onMinted(result.data);
    return result;
  }, null);
  return (
    <Form action={dispatch} state={state} toastOnSuccess={false} noValidate className="space-y-0">
      <DialogBody>
        <input type="hidden" name="orgId" value={org.id} />
        <input type="hidden" name="slug" value={org.slug} />
        <TextField name="name" label="Name" placeholder="production cluster" required maxLength={64} hint="What it is for, so you know which one to rotate or revoke." data-autofocus />
        <RepositoryChoices repositories={repositories} />
        <TextField
          name="expiresInDays"
          label="Expires after (days)"
          type="number"
          min={1}
          max={maxDays}
          defaultValue={String(defaultDays)}
          hint={`At most ${maxDays} days.`}
          inputClassName="w-32"
        />
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <SubmitButton pending={pending}>Mint token</SubmitButton>
      </DialogFooter>
    </Form>
  );
}

function RepositoryChoices({ repositories }: { repositories: readonly { id: string; name: string }[] }) {
  const form = useFormContext();
  const errors = form?.state && !form.state.ok ? form.state.fieldErrors?.repositoryIds : undefined;
  return (
    <fieldset className="space-y-2" aria-describedby={errors ? 'repository-errors' : undefined}>
      <legend className="mb-1.5 text-sm font-medium">Repositories</legend>
      {repositories.map((repo) => (
        <CheckboxField key={repo.id} name="repositoryIds" value={repo.id} label={<span className="font-mono text-[13px]">{repo.name}</span>} defaultChecked />
      ))}
      {errors ? <FieldErrors id="repository-errors" errors={errors} /> : null}
    </fieldset>
  );
}

const OVERLAPS = [
  { value: '0', label: 'None: revoke the old token now' },
  { value: '1', label: '1 hour' },
  { value: '24', label: '24 hours' },
  { value: '72', label: '3 days' },
  { value: '168', label: '7 days' },
];

export function RotateTokenDialog({
  token,
  slug,
  action,
  onInstructionsCopied,
}: {
  token: { id: string; name: string; prefix: string };
  slug: string;
  action: TokenAction;
  onInstructionsCopied: () => void;
}) {
  const [open, setOpen] = useState(false);
  const show = useReveal(onInstructionsCopied);
  const [state, dispatch, pending] = useActionState<ActionState<MintedToken>, FormData>(async (previous, formData) => {
    const result = await action(previous, formData);
    if (result.ok) {
      setOpen(false);
      show(result.data);
    }
    return result;
  }, null);
  return (
    <>
      <Button variant="ghost" size="sm" onClick={() => setOpen(true)} title={`Rotate ${token.name}`}>
        Rotate
      </Button>
      <Dialog open={open} onOpenChange={(next) => !pending && setOpen(next)} title={`Rotate "${token.name}"?`} size="sm">
        <Form action={dispatch} state={state} toastOnSuccess={false} className="space-y-0">
          <DialogBody>
            <p className="text-muted-foreground">
              A new token with the same name and repositories is minted. The old one (<code className="font-mono">{token.prefix}…</code>) keeps working during the overlap so
              the customer can switch without downtime, then stops by itself.
            </p>
            <input type="hidden" name="tokenId" value={token.id} />
            <input type="hidden" name="slug" value={slug} />
            <SelectField name="overlapHours" label="Overlap" options={OVERLAPS} defaultValue="24" />
          </DialogBody>
          <DialogFooter>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <SubmitButton pending={pending}>Rotate</SubmitButton>
          </DialogFooter>
        </Form>
      </Dialog>
    </>
  );
}
