import { CircleAlert } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { cn } from './cn';
import { Label } from './label';

/** What Field hands to its control so label, hint and errors are wired up. */
export type FieldControlProps = {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
  required: boolean | undefined;
};

export type FieldProps = {
  label: ReactNode;
  /** Render the control with the props given, e.g. `{(p) => <Input {...p} name="slug" />}`. */
  children: (control: FieldControlProps) => ReactNode;
  id?: string;
  hint?: ReactNode;
  error?: string | readonly string[] | null;
  required?: boolean;
  /** Visually hide the label (it stays the control's accessible name). */
  hideLabel?: boolean;
  className?: string;
};

export function Field({ label, children, id, hint, error, required, hideLabel, className }: FieldProps) {
  const autoId = useId();
  const controlId = id ?? `field${autoId}`;
  const errors = (typeof error === 'string' ? [error] : (error ?? [])).filter(Boolean);
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = errors.length > 0 ? `${controlId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;

  return (
    <div className={cn('grid gap-1.5', className)}>
      <Label htmlFor={controlId} required={required} className={hideLabel ? 'sr-only' : undefined}>
        {label}
      </Label>
      {children({ id: controlId, 'aria-describedby': describedBy, 'aria-invalid': errorId ? true : undefined, required })}
      {hint ? (
        <p id={hintId} className="text-[13px] leading-5 text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {errorId ? <FieldErrors id={errorId} errors={errors} /> : null}
    </div>
  );
}

export function FieldErrors({ id, errors }: { id?: string; errors: readonly string[] }) {
  return (
    <div id={id} className="grid gap-0.5 text-[13px] leading-5 text-danger-strong">
      {errors.map((message) => (
        <p key={message} className="flex items-start gap-1.5">
          <CircleAlert className="mt-0.5 size-3.5 shrink-0" aria-hidden="true" />
          <span>{message}</span>
        </p>
      ))}
    </div>
  );
}
