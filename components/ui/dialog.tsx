'use client';

import { X } from 'lucide-react';
import { useEffect, useId, useRef, type ComponentProps, type ReactNode } from 'react';
import { cn } from './cn';

export type DialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  /** Usually a DialogBody and a DialogFooter; wrap both in a <form> when the footer submits it. */
  children?: ReactNode;
  /** Shorthand for `<DialogFooter>{footer}</DialogFooter>` after the children. */
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  /** When false, Escape, the backdrop and the × button do not close it (one-time secrets). */
  dismissible?: boolean;
  className?: string;
};

const widths = { sm: 'max-w-md', md: 'max-w-lg', lg: 'max-w-2xl' };

/**
 * A modal on the native <dialog> with showModal(): the browser provides the
 * focus trap, inert background, top layer and Escape. Content mounts only
 * while open, so forms inside start fresh each time. Put `data-autofocus` on
 * the element that should take focus first (default: the first focusable).
 */
export function Dialog({ open, onOpenChange, title, description, children, footer, size = 'md', dismissible = true, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const pressStartedOnBackdrop = useRef(false);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  useEffect(
    () => () => {
      if (ref.current?.open) ref.current.close();
    },
    [],
  );

  const handleClose = () => {
    const target = returnFocus.current;
    returnFocus.current = null;
    if (target?.isConnected) target.focus();
    if (open) onOpenChange(false);
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={handleClose}
      onCancel={(event) => {
        if (!dismissible) event.preventDefault();
      }}
      onPointerDown={(event) => {
        pressStartedOnBackdrop.current = event.target === event.currentTarget;
      }}
      onClick={(event) => {
        // A click whose press began inside (e.g. selecting text) must not close it.
        if (dismissible && pressStartedOnBackdrop.current && event.target === event.currentTarget) event.currentTarget.close();
      }}
      className={cn(
        'm-auto max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] overflow-y-auto rounded-xl border border-border bg-popover p-0 text-popover-foreground shadow-dialog',
        'transition-[opacity,translate] duration-150 ease-out starting:open:translate-y-1 starting:open:opacity-0',
        widths[size],
        className,
      )}
    >
      {open ? (
        <>
          <div className="flex flex-col gap-1.5 px-6 pt-6 pb-4">
            <h2 id={titleId} className={cn('text-base leading-6 font-semibold tracking-tight', dismissible && 'pr-8')}>
              {title}
            </h2>
            {description ? (
              <div id={descriptionId} className="text-sm text-muted-foreground">
                {description}
              </div>
            ) : null}
          </div>
          {children}
          {footer ? <DialogFooter>{footer}</DialogFooter> : null}
          {dismissible ? (
            <button
              type="button"
              onClick={() => ref.current?.close()}
              className="absolute top-4 right-4 inline-flex size-8 items-center justify-center rounded-md text-muted-foreground transition-colors hover:bg-muted hover:text-foreground"
            >
              <X className="size-4" aria-hidden="true" />
              <span className="sr-only">Close</span>
            </button>
          ) : null}
        </>
      ) : null}
    </dialog>
  );
}

export function DialogBody({ className, ...props }: ComponentProps<'div'>) {
  return <div className={cn('space-y-4 px-6 pb-5 text-sm', className)} {...props} />;
}

export function DialogFooter({ className, ...props }: ComponentProps<'div'>) {
  return (
    <div
      className={cn('flex flex-col-reverse gap-2 rounded-b-xl border-t border-border bg-subtle px-6 py-4 sm:flex-row sm:justify-end', className)}
      {...props}
    />
  );
}
