import type { ComponentProps } from 'react';
import { cn } from './cn';

export const controlBase =
  'w-full rounded-md border border-input bg-background text-sm text-foreground shadow-xs transition-colors disabled:cursor-not-allowed disabled:bg-muted disabled:opacity-70 aria-[invalid=true]:border-danger';

export function Input({ className, type = 'text', ...props }: ComponentProps<'input'>) {
  return (
    <input
      type={type}
      className={cn(controlBase, 'h-9 px-3 read-only:bg-subtle file:mr-3 file:border-0 file:bg-transparent file:text-sm file:font-medium', className)}
      {...props}
    />
  );
}
