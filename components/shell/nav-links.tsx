'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';
import { ADMIN_NAV, isActive, portalNav, type NavItem } from './nav';

export type NavLinksProps = { area: 'admin' } | { area: 'portal'; slug: string; permissions: readonly string[] };

/** The main navigation list; active state comes from the URL. */
export function NavLinks(props: NavLinksProps) {
  const pathname = usePathname();
  const items: readonly NavItem[] = props.area === 'admin' ? ADMIN_NAV : portalNav(props.slug, props.permissions);
  return (
    <ul className="space-y-0.5">
      {items.map((item) => {
        const active = isActive(item, pathname);
        const Icon = item.icon;
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={active ? 'page' : undefined}
              className={cn(
                'group flex h-9 items-center gap-2.5 rounded-md px-2.5 text-sm font-medium transition-colors',
                active ? 'bg-background text-foreground shadow-xs ring-1 ring-border' : 'text-muted-foreground hover:bg-muted hover:text-foreground',
              )}
            >
              <Icon className={cn('size-4 shrink-0', active ? 'text-primary' : 'text-muted-foreground group-hover:text-foreground')} aria-hidden="true" />
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
