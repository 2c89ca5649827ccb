'use client';

import { useFormStatus } from 'react-dom';
import { Button, type ButtonProps } from '@/components/ui/button';

export type SubmitButtonProps = Omit<ButtonProps, 'type' | 'loading'> & {
  /** `pending` from useActionState; without it the enclosing form's status is used. */
  pending?: boolean;
};

/** Disabled with a spinner while the form's action runs, so it cannot be sent twice. */
export function SubmitButton({ pending, children, ...props }: SubmitButtonProps) {
  const status = useFormStatus();
  return (
    <Button type="submit" loading={pending ?? status.pending} {...props}>
      {children}
    </Button>
  );
}
