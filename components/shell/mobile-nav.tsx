'use client';

import { Menu, X } from 'lucide-react';
import { usePathname } from 'next/navigation';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';

/**
 * The menu button and slide-over for small screens, on a modal <dialog>:
 * focus trap, Escape and an inert page come from the browser.
 */
export function MobileNav({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [shownPath, setShownPath] = useState(pathname);

  // A navigation from inside the panel closes it.
  if (pathname !== shownPath) {
    setShownPath(pathname);
    setOpen(false);
  }

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        aria-expanded={open}
        aria-haspopup="dialog"
        className="-ml-1.5 inline-flex size-9 items-center justify-center rounded-md text-foreground hover:bg-muted"
      >
        <Menu className="size-5" aria-hidden="true" />
        <span className="sr-only">Open navigation</span>
      </button>
      <dialog
        ref={ref}
        aria-label="Navigation"
        onClose={() => setOpen(false)}
        onClick={(event) => {
          if (event.target === event.currentTarget) event.currentTarget.close();
          // Same-page links do not change the pathname; close for them too.
          else if ((event.target as Element).closest('a[href]')) event.currentTarget.close();
        }}
        className={cn(
          'fixed inset-y-0 left-0 m-0 h-dvh max-h-none w-[min(18rem,85vw)] max-w-none border-r border-border bg-subtle p-0 text-foreground shadow-dialog',
          'transition-transform duration-200 ease-out starting:open:-translate-x-full',
        )}
      >
        <div className="flex h-full flex-col overflow-y-auto">{children}</div>
        <button
          type="button"
          onClick={() => ref.current?.close()}
          className="absolute top-2.5 right-2.5 inline-flex size-9 items-center justify-center rounded-md text-muted-foreground hover:bg-muted hover:text-foreground"
        >
          <X className="size-5" aria-hidden="true" />
          <span className="sr-only">Close navigation</span>
        </button>
      </dialog>
    </>
  );
}
