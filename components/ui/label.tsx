import type { ComponentProps } from 'react';
import { cn } from './cn';

export type LabelProps = ComponentProps<'label'> & { required?: boolean };

export function Label({ className, required, children, ...props }: LabelProps) {
  return (
    <label className={cn('text-sm font-medium leading-5 text-foreground', className)} {...props}>
      {children}
      {required ? (
        <span className="ml-0.5 text-danger" aria-hidden="true">
          *
        </span>
      ) : null}
    </label>
  );
}
