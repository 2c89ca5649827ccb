import {
  Activity,
  BarChart3,
  Boxes,
  CreditCard,
  KeyRound,
  LayoutDashboard,
  ScrollText,
  Settings,
  Terminal,
  Users,
  ShieldCheck,
  type LucideIcon,
} from 'lucide-react';

export type NavItem = {
  label: string;
  href: string;
  icon: LucideIcon;
  /** Active only on this exact path (section roots such as /admin), not on its children. */
  exact?: boolean;
};

export type PortalNavItem = Omit<NavItem, 'href'> & {
  /** Appended to /portal/<slug>. */
  path: string;
  /** Hidden unless the member holds it. */
  permission: string;
};

export const ADMIN_NAV: readonly NavItem[] = [
  { label: 'Dashboard', href: '/admin', icon: LayoutDashboard, exact: true },
  { label: 'Customers', href: '/admin/customers', icon: Users },
  { label: 'Repositories', href: '/admin/repositories', icon: Boxes },
  { label: 'Licenses', href: '/admin/licenses', icon: KeyRound },
  { label: 'Pull statistics', href: '/admin/stats', icon: BarChart3 },
  { label: 'Audit log', href: '/admin/audit', icon: ScrollText },
  { label: 'Billing', href: '/admin/billing', icon: CreditCard },
  { label: 'Settings', href: '/admin/settings', icon: Settings },
  { label: 'SSO', href: '/admin/sso', icon: ShieldCheck },
];

export const PORTAL_NAV: readonly PortalNavItem[] = [
  { label: 'Overview', path: '', icon: LayoutDashboard, permission: 'org.view', exact: true },
  { label: 'Install', path: '/install', icon: Terminal, permission: 'instructions.view' },
  { label: 'Licenses', path: '/licenses', icon: KeyRound, permission: 'licenses.view' },
  { label: 'Pull activity', path: '/activity', icon: Activity, permission: 'pulls.view' },
  { label: 'Team', path: '/team', icon: Users, permission: 'members.view' },
  { label: 'Billing', path: '/billing', icon: CreditCard, permission: 'billing.view' },
  { label: 'Settings', path: '/settings', icon: Settings, permission: 'org.settings' },
];

export function portalNav(slug: string, permissions: readonly string[]): NavItem[] {
  const base = `/portal/${encodeURIComponent(slug)}`;
  return PORTAL_NAV.filter((item) => permissions.includes(item.permission)).map(({ path, permission: _permission, ...item }) => ({
    ...item,
    href: `${base}${path}`,
  }));
}

export function isActive(item: Pick<NavItem, 'href' | 'exact'>, pathname: string): boolean {
  if (item.exact) return pathname === item.href;
  return pathname === item.href || pathname.startsWith(`${item.href}/`);
}
