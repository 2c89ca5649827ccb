'use client';

import { usePathname, useRouter } from 'next/navigation';
import { createContext, use, useCallback, useTransition, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';

type Changes = Record<string, string | null>;

const PAGING_KEYS = ['page', 'after', 'before'] as const;

type TableNavigation = {
  pending: boolean;
  /** Writes params to the URL (null deletes); any change but paging itself goes back to the first page. */
  update: (changes: Changes) => void;
  /** Removes the search and every filter. */
  clearFilters: () => void;
  refresh: () => void;
};

const TableContext = createContext<TableNavigation | null>(null);

export function useTableNavigation(): TableNavigation {
  const context = use(TableContext);
  if (!context) throw new Error('useTableNavigation must be used inside <DataTable>');
  return context;
}

/**
 * Owns the transition every table control navigates in, so the server
 * re-render shows as pending (dimmed rows, progress bar, aria-busy) instead
 * of a frozen page.
 */
export function TableStateProvider({ filterIds, children }: { filterIds: readonly string[]; children: ReactNode }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();

  const update = useCallback(
    (changes: Changes) => {
      // Read the live URL at event time: it keeps params this table does not own and needs no Suspense boundary.
      const params = new URLSearchParams(window.location.search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === '') params.delete(key);
        else params.set(key, value);
      }
      // Paging keys: offset (`page`) or keyset (`after`/`before` cursors, lib/platform/table/keyset.ts).
      if (!PAGING_KEYS.some((key) => key in changes)) for (const key of PAGING_KEYS) params.delete(key);
      const search = params.toString();
      startTransition(() => router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false }));
    },
    [pathname, router],
  );

  const clearFilters = useCallback(() => update(Object.fromEntries(['q', ...filterIds].map((id) => [id, null]))), [filterIds, update]);
  const refresh = useCallback(() => startTransition(() => router.refresh()), [router]);

  return <TableContext value={{ pending, update, clearFilters, refresh }}>{children}</TableContext>;
}

/** Dims its content and shows a progress bar while the table's navigation is pending. */
export function TableRegion({ className, children, label }: { className?: string; children: ReactNode; label?: string }) {
  const { pending } = useTableNavigation();
  return (
    <div aria-busy={pending} aria-label={label} role={label ? 'region' : undefined} data-pending={pending || undefined} className={cn('group/table relative', className)}>
      <div className="pointer-events-none absolute inset-x-0 top-0 z-20 h-0.5 overflow-hidden rounded-t-lg opacity-0 transition-opacity group-data-pending/table:opacity-100 group-data-pending/table:delay-150">
        <div className="h-full w-1/4 animate-indeterminate bg-primary" />
      </div>
      <div className="transition-opacity duration-200 group-data-pending/table:opacity-55 group-data-pending/table:delay-150">{children}</div>
    </div>
  );
}

export function ClearFiltersButton({ children = 'Clear filters', variant = 'secondary' }: { children?: ReactNode; variant?: 'secondary' | 'ghost' }) {
  const { clearFilters } = useTableNavigation();
  return (
    <Button variant={variant} size="sm" onClick={clearFilters}>
      {children}
    </Button>
  );
}

export function RetryButton() {
  const { refresh, pending } = useTableNavigation();
  return (
    <Button variant="secondary" size="sm" onClick={refresh} loading={pending}>
      Try again
    </Button>
  );
}

export function FirstPageButton() {
  const { update } = useTableNavigation();
  return (
    <Button variant="secondary" size="sm" onClick={() => update({ page: null, after: null, before: null })}>
      Go to the first page
    </Button>
  );
}
