import { Tabs } from '@/components/ui/tabs';

export type TeamTab = 'members' | 'teams' | 'roles';

export function TeamTabs({ slug, active, counts }: { slug: string; active: TeamTab; counts?: Partial<Record<TeamTab, number>> }) {
  const base = `/portal/${encodeURIComponent(slug)}/team`;
  return (
    <Tabs
      label="Team sections"
      className="mb-6"
      items={[
        { href: base, label: 'Members', active: active === 'members', count: counts?.members },
        { href: `${base}/teams`, label: 'Teams', active: active === 'teams', count: counts?.teams },
        { href: `${base}/roles`, label: 'Roles', active: active === 'roles', count: counts?.roles },
      ]}
    />
  );
}
