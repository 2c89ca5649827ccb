import type { TabItem } from '@/components/ui/tabs';

export function auditTabs(active: 'events' | 'siem' | 'retention'): TabItem[] {
  return [
    { href: '/admin/audit', label: 'Events', active: active === 'events' },
    { href: '/admin/audit/siem', label: 'SIEM streaming', active: active === 'siem' },
  ];
}
