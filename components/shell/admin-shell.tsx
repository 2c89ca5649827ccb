import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { STAFF_ROLES } from '@/lib/identity/rbac/permissions';
import { NavLinks } from './nav-links';
import { ShellFrame } from './shell-frame';
import { UserMenu } from './user-menu';

export type AdminShellProps = {
  user: { name: string | null; email: string; staffRole: string };
  signOutAction: () => Promise<void>;
  children: ReactNode;
};

function roleLabel(role: string): string {
  return (STAFF_ROLES as Record<string, { label: string } | undefined>)[role]?.label ?? role.replace(/^staff-/, '').replace(/[-_]/g, ' ');
}

/** The staff area's frame. */
export function AdminShell({ user, signOutAction, children }: AdminShellProps) {
  const badge = <Badge tone="accent">{roleLabel(user.staffRole)}</Badge>;
  const menu = (placement: 'sidebar' | 'topbar') => (
    <UserMenu name={user.name} email={user.email} badge={badge} signOutAction={signOutAction} placement={placement} />
  );
  return (
    <ShellFrame
      home="/admin"
      areaLabel={<span className="rounded border border-border bg-background px-1.5 py-0.5 text-[11px] font-medium tracking-wide text-muted-foreground uppercase">Staff</span>}
      nav={<NavLinks area="admin" />}
      footer={menu('sidebar')}
      topbarEnd={menu('topbar')}
    >
      {children}
    </ShellFrame>
  );
}
