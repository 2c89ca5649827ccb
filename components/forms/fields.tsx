'use client';

import type { ComponentProps, ReactNode } from 'react';
import type { ActionState } from '@/lib/platform/action-result';
import { Checkbox } from '@/components/ui/checkbox';
import { cn } from '@/components/ui/cn';
import { Field, FieldErrors } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { Select, type SelectOption } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { useFieldErrors, useFormContext } from './form';

type Common = {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  /** The action's state; optional inside <Form>, which provides it. */
  state?: ActionState<unknown>;
  /** Classes for the wrapper (label + control + messages). */
  className?: string;
};

export type TextFieldProps = Common & Omit<ComponentProps<'input'>, 'name' | 'className' | 'children'> & { inputClassName?: string };

export function TextField({ name, label, hint, state, className, inputClassName, required, id, defaultValue, type = 'text', ...props }: TextFieldProps) {
  const errors = useFieldErrors(name, state);
  const form = useFormContext();
  // Passwords are never put back into the page after a submit.
  const initial = form && type !== 'password' ? form.defaultValueOf(name, defaultValue) : defaultValue;
  return (
    <Field label={label} hint={hint} error={errors} required={required} id={id} className={className}>
      {(control) => <Input {...control} {...props} type={type} name={name} defaultValue={initial} className={inputClassName} />}
    </Field>
  );
}

export type TextAreaFieldProps = Common & Omit<ComponentProps<'textarea'>, 'name' | 'className' | 'children'> & { inputClassName?: string };

export function TextAreaField({ name, label, hint, state, className, inputClassName, required, id, defaultValue, ...props }: TextAreaFieldProps) {
  const errors = useFieldErrors(name, state);
  const form = useFormContext();
  const initial = form ? form.defaultValueOf(name, defaultValue) : defaultValue;
  return (
    <Field label={label} hint={hint} error={errors} required={required} id={id} className={className}>
      {(control) => <Textarea {...control} {...props} name={name} defaultValue={initial} className={inputClassName} />}
    </Field>
  );
}

export type SelectFieldProps = Common &
  Omit<ComponentProps<'select'>, 'name' | 'className' | 'children'> & {
    options: readonly SelectOption[];
    placeholder?: string;
    inputClassName?: string;
  };

export function SelectField({ name, label, hint, state, className, inputClassName, required, id, defaultValue, options, placeholder, ...props }: SelectFieldProps) {
  const errors = useFieldErrors(name, state);
  const form = useFormContext();
  const initial = form ? form.defaultValueOf(name, defaultValue) : defaultValue;
  return (
    <Field label={label} hint={hint} error={errors} required={required} id={id} className={className}>
      {(control) => (
        <Select
          // React applies a changed defaultValue to <select> only on mount; remounting when it changes lets the
          // form reset after an action land on the submitted option.
          key={form ? String(initial) : undefined}
          {...control}
          {...props}
          name={name}
          options={options}
          placeholder={placeholder}
          defaultValue={initial}
          className={inputClassName}
        />
      )}
    </Field>
  );
}

export type CheckboxFieldProps = Common & Omit<ComponentProps<'input'>, 'name' | 'className' | 'children' | 'type'>;

/** A checkbox with its label beside it. Unchecked boxes send nothing: parse with `z.stringbool()` or `.optional()`. */
export function CheckboxField({ name, label, hint, state, className, id, value, defaultChecked, ...props }: CheckboxFieldProps) {
  const errors = useFieldErrors(name, state);
  const form = useFormContext();
  const checked = form ? form.defaultCheckedOf(name, typeof value === 'string' ? value : undefined, defaultChecked) : defaultChecked;
  const controlId = id ?? `checkbox-${name}${typeof value === 'string' ? `-${value}` : ''}`;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = errors?.length ? `${controlId}-error` : undefined;
  return (
    // In an inline form, level with the inputs' middle (their label row, then half of h-9 less half a line).
    <div className={cn('grid grid-cols-[auto_1fr] gap-x-2.5 gap-y-1', form?.inline && 'mt-8.5', className)}>
      <Checkbox
        {...props}
        id={controlId}
        name={name}
        value={value}
        defaultChecked={checked}
        aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
        aria-invalid={errorId ? true : undefined}
        className="mt-0.5"
      />
      <label htmlFor={controlId} className="text-sm leading-5 font-medium">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="col-start-2 text-[13px] leading-5 text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {errorId && errors ? (
        <div className="col-start-2">
          <FieldErrors id={errorId} errors={errors} />
        </div>
      ) : null}
    </div>
  );
}
