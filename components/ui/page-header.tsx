import { ChevronRight } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { cn } from './cn';

export type Breadcrumb = { label: string; href?: string };

export type PageHeaderProps = {
  title: ReactNode;
  description?: ReactNode;
  /** Buttons for the page's main actions, right-aligned on wide screens. */
  actions?: ReactNode;
  /** Trail above the title; the last crumb is the current page and needs no href. */
  breadcrumbs?: readonly Breadcrumb[];
  className?: string;
};

export function PageHeader({ title, description, actions, breadcrumbs, className }: PageHeaderProps) {
  return (
    <header className={cn('mb-6 space-y-2 sm:mb-8', className)}>
      {breadcrumbs && breadcrumbs.length > 0 ? (
        <nav aria-label="Breadcrumb">
          <ol className="flex flex-wrap items-center gap-1 text-sm text-muted-foreground">
            {breadcrumbs.map((crumb, index) => {
              const last = index === breadcrumbs.length - 1;
              return (
                <li key={`${crumb.label}-${index}`} className="flex min-w-0 items-center gap-1">
                  {crumb.href && !last ? (
                    <Link href={crumb.href} className="rounded-sm hover:text-foreground hover:underline">
                      {crumb.label}
                    </Link>
                  ) : (
                    <span aria-current={last ? 'page' : undefined} title={crumb.label} className={cn('max-w-[40ch] truncate', last && 'text-foreground')}>
                      {crumb.label}
                    </span>
                  )}
                  {last ? null : <ChevronRight className="size-3.5 opacity-60" aria-hidden="true" />}
                </li>
              );
            })}
          </ol>
        </nav>
      ) : null}
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0 space-y-1">
          <h1 className="text-xl leading-7 font-semibold tracking-tight wrap-anywhere text-foreground sm:text-2xl sm:leading-8">{title}</h1>
          {description ? <p className="max-w-2xl text-sm wrap-anywhere text-muted-foreground">{description}</p> : null}
        </div>
        {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div> : null}
      </div>
    </header>
  );
}
