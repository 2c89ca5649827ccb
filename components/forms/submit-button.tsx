'use client';

import { useFormStatus } from 'react-dom';
import { Button, type ButtonProps } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { INLINE_CONTROL_OFFSET, useFormContext } from './form';

export type SubmitButtonProps = Omit<ButtonProps, 'type' | 'loading'> & {
  /** `pending` from useActionState; without it the enclosing form's status is used. */
  pending?: boolean;
};

/** Disabled with a spinner while the form's action runs, so it cannot be sent twice. */
export function SubmitButton({ pending, children, className, ...props }: SubmitButtonProps) {
  const status = useFormStatus();
  const inline = useFormContext()?.inline ?? false;
  return (
    <Button type="submit" loading={pending ?? status.pending} className={cn(inline && INLINE_CONTROL_OFFSET, className)} {...props}>
      {children}
    </Button>
  );
}
