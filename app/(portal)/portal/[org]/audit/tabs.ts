import type { TabItem } from '@/components/ui/tabs';

export function portalAuditTabs(slug: string, active: 'events' | 'streaming', canStream: boolean): TabItem[] {
  const base = `/portal/${encodeURIComponent(slug)}/audit`;
  const tabs: TabItem[] = [{ href: base, label: 'Events', active: active === 'events' }];
  if (canStream) tabs.push({ href: `${base}/streaming`, label: 'SIEM streaming', active: active === 'streaming' });
  return tabs;
}
