'use client';

import { useActionState, useId, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { Alert } from './alert';
import { Button, type ButtonSize, type ButtonVariant } from './button';
import { Dialog, DialogBody, DialogFooter } from './dialog';
import { Input } from './input';

export type ConfirmDialogProps<T> = {
  title: ReactNode;
  /** What will happen, in plain words. */
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel?: string;
  tone?: 'danger' | 'primary';
  /** Ask the user to type this exact text (e.g. the customer's slug) before the confirm button enables. */
  confirmationText?: string;
  /**
   * A server action shaped for useActionState. It receives `fields` as FormData; its error is shown in
   * the dialog, and on success the dialog closes and toasts `message`.
   */
  action?: (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>>;
  /** Hidden form fields for `action`, e.g. `{ id: token.id }`. */
  fields?: Record<string, string>;
  /** For confirmations that are not a server action. */
  onConfirm?: () => void | Promise<void>;
  onSuccess?: (data: T) => void;
  /** A button that opens the dialog. Omit it to control the dialog with `open`/`onOpenChange`. */
  trigger?: { label: ReactNode; variant?: ButtonVariant; size?: ButtonSize; className?: string };
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
};

export function ConfirmDialog<T = undefined>({
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  tone = 'danger',
  confirmationText,
  action,
  fields,
  onConfirm,
  onSuccess,
  trigger,
  open: openProp,
  onOpenChange,
}: ConfirmDialogProps<T>) {
  const [openState, setOpenState] = useState(false);
  const open = openProp ?? openState;
  const setOpen = (next: boolean) => {
    setOpenState(next);
    onOpenChange?.(next);
  };

  const [state, formAction, pending] = useActionState<ActionState<T>, FormData>(async (previous, formData) => {
    let result: ActionResult<T>;
    if (action) {
      result = await action(previous, formData);
    } else {
      try {
        await onConfirm?.();
        result = { ok: true, data: undefined as T };
      } catch {
        result = { ok: false, error: 'That did not work. Please try again.' };
      }
    }
    if (result.ok) {
      setOpen(false);
      if (result.message) toast.success(result.message);
      onSuccess?.(result.data);
    }
    return result;
  }, null);

  // Each opening starts clean: no typed text, no error from an earlier attempt.
  const [typed, setTyped] = useState('');
  const [staleState, setStaleState] = useState<ActionState<T>>(null);
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setTyped('');
      setStaleState(state);
    }
  }

  const confirmId = useId();
  const matches = !confirmationText || typed.trim() === confirmationText;
  const error = state && !state.ok && state !== staleState ? state.error : null;

  return (
    <>
      {trigger ? (
        <Button
          variant={trigger.variant ?? (tone === 'danger' ? 'danger' : 'primary')}
          size={trigger.size}
          className={trigger.className}
          onClick={() => setOpen(true)}
        >
          {trigger.label}
        </Button>
      ) : null}
      <Dialog
        open={open}
        onOpenChange={(next) => {
          if (!next && pending) return;
          setOpen(next);
        }}
        title={title}
        size="sm"
      >
        <form action={formAction}>
          <DialogBody>
            {children ? <div className="text-muted-foreground">{children}</div> : null}
            {fields ? Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />) : null}
            {confirmationText ? (
              <div className="grid gap-1.5">
                <label htmlFor={confirmId} className="text-sm text-foreground">
                  Type <code className="rounded bg-muted px-1 py-0.5 font-mono text-[13px] font-semibold">{confirmationText}</code> to confirm
                </label>
                <Input
                  id={confirmId}
                  value={typed}
                  onChange={(event) => setTyped(event.target.value)}
                  autoComplete="off"
                  spellCheck={false}
                  data-autofocus
                />
              </div>
            ) : null}
            {error ? <Alert tone="danger">{error}</Alert> : null}
          </DialogBody>
          <DialogFooter>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending} data-autofocus={confirmationText ? undefined : true}>
              {cancelLabel}
            </Button>
            <Button type="submit" variant={tone === 'danger' ? 'danger' : 'primary'} disabled={!matches} loading={pending}>
              {confirmLabel}
            </Button>
          </DialogFooter>
        </form>
      </Dialog>
    </>
  );
}
