'use client';

import { LogOut } from 'lucide-react';
import { useFormStatus } from 'react-dom';

/** The menu's sign-out item: disabled with a busy cursor while signing out, so it is not sent twice. */
export function SignOutItem() {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending}
      aria-busy={pending || undefined}
      className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm text-foreground transition-colors hover:bg-muted disabled:cursor-wait disabled:opacity-60"
    >
      <LogOut className="size-4 text-muted-foreground" aria-hidden="true" />
      {pending ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
