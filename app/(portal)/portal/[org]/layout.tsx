import { PortalShell } from '@/components/shell/portal-shell';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { signOutAction } from '../../../(auth)/actions';

export default async function OrgLayout({ children, params }: { children: React.ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { user, access } = await requirePortalPage(slug, 'org.view');
  return (
    <PortalShell
      user={{ name: user.name, email: user.email }}
      org={{ slug: access.org.slug, name: access.org.name, tier: access.org.tier }}
      orgs={user.memberships.map((m) => ({ slug: m.orgSlug, name: m.orgName }))}
      permissions={access.permissions}
      signOutAction={signOutAction}
    >
      {children}
    </PortalShell>
  );
}
