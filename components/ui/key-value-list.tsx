import type { ReactNode } from 'react';
import { cn } from './cn';

export type KeyValueItem = { label: ReactNode; value: ReactNode };

/** Label/value pairs for detail pages, as a definition list. */
export function KeyValueList({ items, columns = 1, className }: { items: readonly KeyValueItem[]; columns?: 1 | 2; className?: string }) {
  return (
    <dl className={cn('grid gap-x-8', columns === 2 && 'md:grid-cols-2', className)}>
      {items.map((item, index) => (
        <div
          key={index}
          className={cn(
            'grid gap-1 border-b border-border py-3 last:border-b-0 sm:grid-cols-[minmax(8rem,12rem)_1fr] sm:items-baseline sm:gap-4',
            // In two columns the last row has two items; neither gets a bottom rule.
            columns === 2 && 'md:[&:nth-last-child(2):nth-child(odd)]:border-b-0',
          )}
        >
          <dt className="text-sm text-muted-foreground">{item.label}</dt>
          <dd className="min-w-0 text-sm break-words text-foreground">{item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
