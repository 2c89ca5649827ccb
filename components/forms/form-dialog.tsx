'use client';

import { useActionState, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { Form, FormError, SubmitButton } from '@/components/forms';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { Button, type ButtonSize, type ButtonVariant } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter } from '@/components/ui/dialog';

export type FormDialogProps<T> = {
  title: ReactNode;
  description?: ReactNode;
  /** The button that opens it; without one, the caller opens it with `open` and `onOpenChange`. */
  trigger?: { label: ReactNode; variant?: ButtonVariant; size?: ButtonSize; className?: string; 'aria-label'?: string; title?: string; disabled?: boolean };
  action: (state: ActionState<T>, formData: FormData) => Promise<ActionResult<T>>;
  /** Hidden fields, e.g. `{ orgId }`. */
  fields?: Record<string, string>;
  /** Initial values of the fields (an edit form). */
  values?: Record<string, string | readonly string[] | null | undefined>;
  submitLabel: string;
  submitVariant?: 'primary' | 'danger';
  size?: 'sm' | 'md' | 'lg';
  /** On the dialog, e.g. to reset a table cell's alignment it opens from. */
  className?: string;
  /** Called with the result's data after a success; the dialog closes and toasts the message. */
  onSuccess?: (data: T) => void;
  /** False where what follows a success says it (a one-time reveal). */
  toastOnSuccess?: boolean;
  /** Leave checking to the server (its messages stand next to the fields). */
  noValidate?: boolean;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  children: ReactNode;
};

/** A button that opens a form in a dialog; the form's errors stay in the dialog, success closes it. */
export function FormDialog<T = undefined>({ title, description, trigger, action, fields, values, submitLabel, submitVariant = 'primary', size = 'md', className, onSuccess, toastOnSuccess = true, noValidate, open: controlledOpen, onOpenChange, children }: FormDialogProps<T>) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = controlledOpen ?? ownOpen;
  const setOpen = (next: boolean) => (onOpenChange ? onOpenChange(next) : setOwnOpen(next));
  const [state, dispatch, pending] = useActionState<ActionState<T>, FormData>(async (previous, formData) => {
    const result = await action(previous, formData);
    if (result.ok) {
      setOpen(false);
      if (result.message && toastOnSuccess) toast.success(result.message);
      onSuccess?.(result.data);
    }
    return result;
  }, null);
  return (
    <>
      {trigger ? (
        <Button variant={trigger.variant ?? 'primary'} size={trigger.size} className={trigger.className} aria-label={trigger['aria-label']} title={trigger.title} disabled={trigger.disabled} onClick={() => setOpen(true)}>
          {trigger.label}
        </Button>
      ) : null}
      <Dialog open={open} onOpenChange={(next) => (pending ? undefined : setOpen(next))} title={title} description={description} size={size} className={className}>
        <Form action={dispatch} state={open ? state : null} values={values} toastOnSuccess={false} hideError noValidate={noValidate} className="space-y-0">
          <DialogBody>
            <FormError />
            {fields ? Object.entries(fields).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />) : null}
            {children}
          </DialogBody>
          <DialogFooter>
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
              Cancel
            </Button>
            <SubmitButton pending={pending} variant={submitVariant}>{submitLabel}</SubmitButton>
          </DialogFooter>
        </Form>
      </Dialog>
    </>
  );
}
