'use client';

import { ArrowDown, ArrowUp, ChevronsUpDown } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from '@/components/ui/cn';
import type { SortDir } from '@/lib/platform/table/query';
import { useTableNavigation } from './table-state';

export type SortButtonProps = {
  columnId: string;
  /** This column's direction when it is the current sort. */
  active: SortDir | null;
  descFirst?: boolean;
  align?: 'left' | 'center' | 'right';
  children: ReactNode;
};

/** A column header that sorts by this column, or flips the direction when it already does. */
export function SortButton({ columnId, active, descFirst = false, align = 'left', children }: SortButtonProps) {
  const { update } = useTableNavigation();
  const next: SortDir = active ? (active === 'asc' ? 'desc' : 'asc') : descFirst ? 'desc' : 'asc';
  const Icon = active === 'asc' ? ArrowUp : active === 'desc' ? ArrowDown : ChevronsUpDown;
  return (
    <button
      type="button"
      onClick={() => update({ sort: columnId, dir: next })}
      className={cn(
        '-mx-2 inline-flex h-7 items-center gap-1 rounded-md px-2 font-medium transition-colors hover:bg-muted hover:text-foreground',
        align === 'right' && 'flex-row-reverse',
        active && 'text-foreground',
      )}
    >
      {children}
      <Icon className={cn('size-3.5 shrink-0', active ? 'opacity-100' : 'opacity-40')} aria-hidden="true" />
      <span className="sr-only">, sort {next === 'asc' ? 'ascending' : 'descending'}</span>
    </button>
  );
}
