import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from './cn';
import { ScrollX } from './scroll-x';

export type TabItem = { href: string; label: ReactNode; active?: boolean; count?: number };

/** Section tabs for server pages: plain links, the current one marked with aria-current. */
export function Tabs({ items, label = 'Sections', className }: { items: readonly TabItem[]; label?: string; className?: string }) {
  return (
    <ScrollX as="nav" aria-label={label} className={cn('-mx-1 border-b border-border', className)}>
      <ul className="flex min-w-max gap-1 px-1">
        {items.map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={item.active ? 'page' : undefined}
              className={cn(
                'relative -mb-px inline-flex h-10 items-center gap-2 rounded-t-md border-b-2 px-3 text-sm font-medium whitespace-nowrap transition-colors focus-visible:outline-offset-[-2px]',
                item.active ? 'border-primary text-foreground' : 'border-transparent text-muted-foreground hover:border-border hover:text-foreground',
              )}
            >
              {item.label}
              {item.count !== undefined ? (
                <span className="rounded-full bg-muted px-1.5 py-px text-xs text-muted-foreground tabular-nums">{item.count.toLocaleString('en-US')}</span>
              ) : null}
            </Link>
          </li>
        ))}
      </ul>
    </ScrollX>
  );
}
