'use client';

import { KeyRound } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { CheckboxField, SelectField, TextField, useFormContext } from '@/components/forms';
import { FormDialog } from '@/components/forms/form-dialog';
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
  const show = useReveal(onInstructionsCopied);
  return (
    <FormDialog<MintedToken>
      title={`Mint a pull token for ${org.name}`}
      description="Pull-only, scoped to the repositories you choose."
      trigger={{
        label: (
          <>
            <KeyRound aria-hidden="true" />
            Mint token
          </>
        ),
        disabled: !!disabledReason,
        title: disabledReason ?? undefined,
      }}
      action={action}
      fields={{ orgId: org.id, slug: org.slug }}
      submitLabel="Mint token"
      onSuccess={show}
      toastOnSuccess={false}
      noValidate
    >
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
    </FormDialog>
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
  const show = useReveal(onInstructionsCopied);
  return (
    <FormDialog<MintedToken>
      title={`Rotate "${token.name}"?`}
      trigger={{ label: 'Rotate', variant: 'ghost', size: 'sm', title: `Rotate ${token.name}` }}
      action={action}
      fields={{ tokenId: token.id, slug }}
      submitLabel="Rotate"
      size="sm"
      onSuccess={show}
      toastOnSuccess={false}
    >
      <p className="text-muted-foreground">
        A new token with the same name and repositories is minted. The old one (<code className="font-mono">{token.prefix}…</code>) keeps working during the overlap so the customer
        can switch without downtime, then stops by itself.
      </p>
      <SelectField name="overlapHours" label="Overlap" options={OVERLAPS} defaultValue="24" />
    </FormDialog>
  );
}
