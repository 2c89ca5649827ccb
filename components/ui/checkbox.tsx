import type { ComponentProps } from 'react';
import { cn } from './cn';

export function Checkbox({ className, ...props }: Omit<ComponentProps<'input'>, 'type'>) {
  return (
    <input
      type="checkbox"
      className={cn(
        'size-4 shrink-0 rounded-sm border border-input accent-primary disabled:cursor-not-allowed disabled:opacity-50 aria-[invalid=true]:outline-2 aria-[invalid=true]:outline-danger',
        className,
      )}
      {...props}
    />
  );
}
