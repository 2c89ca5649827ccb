import { ChevronRight, KeyRound } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/auth/session';
import type { OrgPermission } from '@/lib/rbac/permissions';

export const metadata: Metadata = { title: 'Settings' };

const SECTIONS: { path: string; title: string; description: string; permission: OrgPermission; icon: typeof KeyRound }[] = [
  { path: '/settings/sso', title: 'Single sign-on', description: 'SAML and OIDC connections, verified domains, required SSO and group roles.', permission: 'sso.manage', icon: KeyRound },
];

export default async function PortalSettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { access } = await requirePortalPage(slug, 'org.settings');
  const base = `/portal/${encodeURIComponent(access.org.slug)}`;
  const sections = SECTIONS.filter((section) => access.permissions.includes(section.permission));
  return (
    <>
      <PageHeader title="Settings" description={`How ${access.org.name} uses Portcullis.`} />
      {sections.length === 0 ? (
        <EmptyState title="Nothing to configure" description="Your role has no settings to change." />
      ) : (
        <Card>
          <CardContent className="p-0">
            <ul className="divide-y divide-border">
              {sections.map(({ path, title, description, icon: Icon }) => (
                <li key={path}>
                  <Link href={`${base}${path}`} className="flex items-center gap-4 px-5 py-4 hover:bg-muted">
                    <Icon className="size-5 text-muted-foreground" aria-hidden="true" />
                    <span className="flex-1">
                      <span className="block font-medium">{title}</span>
                      <span className="block text-sm text-muted-foreground">{description}</span>
                    </span>
                    <ChevronRight className="size-4 text-muted-foreground" aria-hidden="true" />
                  </Link>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      )}
    </>
  );
}
