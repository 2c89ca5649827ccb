'use client';

import { usePathname } from 'next/navigation';
import { Tabs } from '@/components/ui/tabs';
import type { CustomerTab } from './customer-tabs';

/** The customer page's tabs; the active one comes from the URL. */
export function CustomerTabsNav({ slug, tabs, counts = {} }: { slug: string; tabs: readonly CustomerTab[]; counts?: Record<string, number> }) {
  const pathname = usePathname();
  const base = `/admin/customers/${encodeURIComponent(slug)}`;
  const items = tabs.map((tab) => {
    const href = tab.segment ? `${base}/${tab.segment}` : base;
    const active = tab.segment ? pathname === href || pathname.startsWith(`${href}/`) : pathname === base || pathname === `${base}/edit`;
    return { href, label: tab.label, active, count: counts[tab.segment] };
  });
  return <Tabs items={items} label="Customer sections" className="mb-6" />;
}
