'use client';

import { createContext, use, useEffect, useRef, useState, type ComponentProps, type SubmitEvent } from 'react';
import { toast } from 'sonner';
import type { ActionState } from '@/lib/platform/action-result';
import { Alert } from '@/components/ui/alert';
import { cn } from '@/components/ui/cn';

/** Initial values for a form's fields, by field name (e.g. the record being edited). */
export type FormValues = Record<string, string | number | boolean | readonly string[] | null | undefined>;

type DefaultValue = string | number | readonly string[] | undefined;

type FormContextValue = {
  state: ActionState<unknown>;
  /**
   * What a field should start from: what was just submitted while that is pending or failed,
   * else the field's own default, else `values[name]`.
   */
  defaultValueOf: (name: string, own?: DefaultValue) => DefaultValue;
  defaultCheckedOf: (name: string, value?: string, own?: boolean) => boolean;
  /** Fields and button on one row (Form's `inline`). */
  inline: boolean;
};

/**
 * In an inline form, what lines a control without a label (the submit
 * button) up with the inputs rather than their labels: a label's line
 * (leading-5) plus the Field's gap (1.5). Aligning to the top, not items-end,
 * keeps it in place when an error or hint grows a field below its input.
 */
export const INLINE_CONTROL_OFFSET = 'mt-6.5';

const FormContext = createContext<FormContextValue | null>(null);

export function useFormContext(): FormContextValue | null {
  return use(FormContext);
}

export type FormProps = Omit<ComponentProps<'form'>, 'action'> & {
  /** The dispatch function from `useActionState`. */
  action: (formData: FormData) => void;
  /** The state from the same `useActionState`. */
  state: ActionState<unknown>;
  values?: FormValues;
  /** Hide the top error alert (e.g. when you place <FormError /> yourself). */
  hideError?: boolean;
  /** Toast `state.message` on success (default true). */
  toastOnSuccess?: boolean;
  /** Fields and the submit button on one row (wrapping when narrow), the button level with the inputs. */
  inline?: boolean;
};

/**
 * The app's form: shows the action's error, toasts its success message, and
 * keeps what the user typed when the action fails. React 19 resets a form
 * after its action runs; fields here take their `defaultValue` from the last
 * submission while it is pending or failed, so that reset lands on what the
 * user typed. After a success they fall back to `values` (a create form
 * empties, an edit form shows the saved record).
 */
export function Form({ action, state, values, hideError = false, toastOnSuccess = true, inline = false, className, children, onSubmit, ...props }: FormProps) {
  const [submission, setSubmission] = useState<{ data: FormData; before: ActionState<unknown> } | null>(null);
  const ref = useRef<HTMLFormElement>(null);

  const keepSubmitted = submission !== null && (state === submission.before || (state !== null && !state.ok));
  const submitted = keepSubmitted ? submission.data : null;

  const context: FormContextValue = {
    state,
    inline,
    defaultValueOf: (name, own) => {
      if (submitted?.has(name)) {
        const all = submitted.getAll(name).filter((value): value is string => typeof value === 'string');
        return all.length > 1 ? all : all[0];
      }
      if (own !== undefined) return own;
      const value = values?.[name];
      if (value === null || value === undefined || typeof value === 'boolean') return undefined;
      return value;
    },
    defaultCheckedOf: (name, value, own) => {
      if (submitted) return value === undefined ? submitted.has(name) : submitted.getAll(name).includes(value);
      if (own !== undefined) return own;
      // Always a boolean: React ignores a defaultChecked that changes to undefined, so a reset would keep the old one.
      const initial = values?.[name];
      if (initial === undefined || initial === null) return false;
      if (Array.isArray(initial)) return value !== undefined && initial.includes(value);
      return value === undefined ? initial === true || initial === 'true' || initial === 'on' : initial === value;
    },
  };

  useEffect(() => {
    if (!state) return;
    if (state.ok) {
      if (toastOnSuccess && state.message) toast.success(state.message);
      return;
    }
    // Take the user to the first thing to fix; the alert above is announced either way.
    ref.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state, toastOnSuccess]);

  const handleSubmit = (event: SubmitEvent<HTMLFormElement>) => {
    onSubmit?.(event);
    if (event.defaultPrevented) return;
    setSubmission({ data: new FormData(event.currentTarget, event.nativeEvent.submitter), before: state });
  };

  return (
    <FormContext value={context}>
      <form ref={ref} action={action} onSubmit={handleSubmit} className={cn(inline ? 'flex flex-wrap items-start gap-2' : 'space-y-5', className)} {...props}>
        {hideError ? null : <FormError state={state} className={inline ? 'basis-full' : undefined} />}
        {children}
      </form>
    </FormContext>
  );
}

/** The action's top-level error, plus field errors that belong to no field (key "form"). */
export function FormError({ state: stateProp, className }: { state?: ActionState<unknown>; className?: string }) {
  const context = useFormContext();
  const state = stateProp ?? context?.state ?? null;
  if (!state || state.ok) return null;
  const general = state.fieldErrors?.form ?? [];
  return (
    <Alert tone="danger" className={className}>
      {state.error}
      {general.length > 0 ? (
        <ul className="mt-1 list-disc pl-4">
          {general.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}

/** The messages for one field: from the `state` prop when given, else from the enclosing Form. */
export function useFieldErrors(name: string, stateProp: ActionState<unknown> | undefined): string[] | undefined {
  const context = useFormContext();
  const state = stateProp ?? context?.state ?? null;
  return state && !state.ok ? state.fieldErrors?.[name] : undefined;
}
