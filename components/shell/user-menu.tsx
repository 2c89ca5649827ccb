import { ChevronsUpDown, UserRound } from 'lucide-react';
import Link from 'next/link';
import { useId, type ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import { SignOutItem } from './sign-out-item';

export type UserMenuProps = {
  name: string | null;
  email: string;
  /** e.g. a role badge */
  badge?: ReactNode;
  signOutAction: () => Promise<void>;
  /** `sidebar`: full-width row at the bottom of the sidebar; `topbar`: avatar button in the mobile bar. */
  placement: 'sidebar' | 'topbar';
};

function initials(name: string | null, email: string): string {
  const source = name?.trim() || email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (name && parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

export function Avatar({ name, email, className }: { name: string | null; email: string; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn('inline-flex size-8 shrink-0 items-center justify-center rounded-full bg-primary-soft text-xs font-semibold text-primary-strong ring-1 ring-primary-border', className)}
    >
      {initials(name, email)}
    </span>
  );
}

/**
 * Account button and panel on the native Popover API: light dismiss,
 * Escape, top layer and aria-expanded come from the browser, so this
 * stays a server component.
 */
export function UserMenu({ name, email, badge, signOutAction, placement }: UserMenuProps) {
  const id = `user-menu${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const display = name?.trim() || email;
  return (
    <>
      {placement === 'sidebar' ? (
        <button
          type="button"
          popoverTarget={id}
          className="flex w-full items-center gap-2.5 rounded-md p-1.5 text-left transition-colors hover:bg-muted"
        >
          <Avatar name={name} email={email} />
          <span className="min-w-0 flex-1">
            <span className="sr-only">Account menu: </span>
            <span className="block truncate text-sm font-medium text-foreground">{display}</span>
            {name ? <span className="block truncate text-xs text-muted-foreground">{email}</span> : null}
          </span>
          <ChevronsUpDown className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
        </button>
      ) : (
        <button type="button" popoverTarget={id} className="-mr-1 inline-flex size-9 items-center justify-center rounded-full hover:bg-muted">
          <Avatar name={name} email={email} />
          <span className="sr-only">Account menu: {display}</span>
        </button>
      )}
      <div
        id={id}
        popover="auto"
        className={cn(
          'fixed m-0 w-64 rounded-lg border border-border bg-popover p-0 text-popover-foreground shadow-popover',
          'transition-[opacity,translate] duration-150 starting:open:opacity-0',
          placement === 'sidebar' ? 'inset-auto bottom-16 left-3 starting:open:translate-y-1' : 'inset-auto top-14 right-3 starting:open:-translate-y-1',
        )}
      >
        <div className="space-y-1.5 border-b border-border px-3 py-3">
          <div className="min-w-0">
            <p className="truncate text-sm font-medium">{display}</p>
            {name ? <p className="truncate text-xs text-muted-foreground">{email}</p> : null}
          </div>
          {badge ? <div>{badge}</div> : null}
        </div>
        <div className="p-1">
          <Link href="/account" className="flex w-full items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm text-foreground transition-colors hover:bg-muted">
            <UserRound className="size-4 text-muted-foreground" aria-hidden="true" />
            Your account
          </Link>
          <form action={signOutAction}>
            <SignOutItem />
          </form>
        </div>
      </div>
    </>
  );
}

