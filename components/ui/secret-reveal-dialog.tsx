'use client';

import { useId } from 'react';
import { Alert } from './alert';
import { Button } from './button';
import { cn } from './cn';
import { CopyButton } from './copy-button';
import { Dialog, DialogBody, DialogFooter } from './dialog';

export type SecretValue = {
  label: string;
  value: string;
  /** Keep line breaks (instructions, config snippets); single-line values wrap anywhere. */
  multiline?: boolean;
  onCopied?: () => void;
};

export type SecretRevealDialogProps = {
  open: boolean;
  /** Called by the acknowledge button only: Escape and the backdrop do not close it. */
  onClose: () => void;
  title?: string;
  description?: string;
  values: readonly SecretValue[];
  acknowledgeLabel?: string;
  /** What to do if the secret is lost; most secrets are rotated, an invitation is sent again. */
  ifLost?: string;
};

/** One-time reveal of a freshly minted secret. The caller drops the secret from state in onClose. */
export function SecretRevealDialog({
  open,
  onClose,
  title = 'Copy your secret now',
  description,
  values,
  acknowledgeLabel = 'I have copied it',
  ifLost = 'If it is lost, rotate it and distribute the new one.',
}: SecretRevealDialogProps) {
  return (
    <Dialog open={open} onOpenChange={(next) => (next ? undefined : onClose())} title={title} description={description} dismissible={false} size="lg">
      <DialogBody>
        <Alert tone="warning" title="This is the only time it will be shown.">
          Store it somewhere safe now. {ifLost}
        </Alert>
        {values.map((item) => (
          <SecretBox key={item.label} {...item} />
        ))}
      </DialogBody>
      <DialogFooter>
        <Button onClick={onClose} data-autofocus>
          {acknowledgeLabel}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

function SecretBox({ label, value, multiline, onCopied }: SecretValue) {
  const id = useId();
  return (
    <div className="space-y-1.5">
      <div className="flex items-end justify-between gap-2">
        <span id={id} className="text-sm font-medium">
          {label}
        </span>
      </div>
      <div className="flex items-start gap-2 rounded-md border border-border bg-subtle p-1.5 pl-3">
        <pre
          aria-labelledby={id}
          tabIndex={0}
          className={cn(
            'min-w-0 flex-1 py-1 font-mono text-[13px] leading-5 text-foreground',
            multiline ? 'max-h-56 overflow-auto whitespace-pre' : 'break-all whitespace-pre-wrap',
          )}
        >
          {value}
        </pre>
        <CopyButton value={value} label={label} className="bg-background" onCopied={onCopied} />
      </div>
    </div>
  );
}
