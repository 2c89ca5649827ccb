import { Tabs } from '@/components/ui/tabs';

const ITEMS = [
  { key: 'licenses', href: '/admin/licenses', label: 'Licenses' },
  { key: 'expiring', href: '/admin/licenses/expiring', label: 'Expiring' },
  { key: 'features', href: '/admin/licenses/features', label: 'Features & overrides' },
  { key: 'keys', href: '/admin/licenses/keys', label: 'Signing keys' },
] as const;

export function LicensingTabs({ active, canManageKeys }: { active: (typeof ITEMS)[number]['key']; canManageKeys: boolean }) {
  return (
    <Tabs
      label="Licensing"
      className="mb-6"
      items={ITEMS.filter((item) => item.key !== 'keys' || canManageKeys).map((item) => ({ href: item.href, label: item.label, active: item.key === active }))}
    />
  );
}
