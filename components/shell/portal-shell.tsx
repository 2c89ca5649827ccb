import type { ReactNode } from 'react';
import { NavLinks } from './nav-links';
import { OrgSwitcher } from './org-switcher';
import { ShellFrame } from './shell-frame';
import { UserMenu } from './user-menu';

export type PortalShellProps = {
  user: { name: string | null; email: string };
  org: { slug: string; name: string; tier: string };
  orgs: readonly { slug: string; name: string }[];
  permissions: readonly string[];
  signOutAction: () => Promise<void>;
  children: ReactNode;
};

/** The customer portal's frame; nav items the member may not use are left out. */
export function PortalShell({ user, org, orgs, permissions, signOutAction, children }: PortalShellProps) {
  const menu = (placement: 'sidebar' | 'topbar') => (
    <UserMenu name={user.name} email={user.email} badge={<span className="text-xs text-muted-foreground">Member of {org.name}</span>} signOutAction={signOutAction} placement={placement} />
  );
  return (
    <ShellFrame
      home={`/portal/${encodeURIComponent(org.slug)}`}
      top={<OrgSwitcher org={org} orgs={orgs} />}
      nav={<NavLinks area="portal" slug={org.slug} permissions={permissions} />}
      footer={menu('sidebar')}
      topbarEnd={menu('topbar')}
    >
      {children}
    </ShellFrame>
  );
}
