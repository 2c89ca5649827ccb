import { ChevronRight, KeyRound } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { OrgMfaRequirementForm } from '@/components/account/org-mfa-requirement-form';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/identity/auth/session';
import type { OrgPermission } from '@/lib/identity/rbac/permissions';
import { setOrgMfaRequirementAction } from './actions';

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
      {access.permissions.includes('org.update') ? (
        <Card>
          <CardHeader>
            <CardTitle>Two-factor authentication</CardTitle>
            <CardDescription>Whether {access.org.name}&apos;s members need a second factor when they sign in with a password.</CardDescription>
          </CardHeader>
          <CardContent>
            <OrgMfaRequirementForm action={setOrgMfaRequirementAction} orgId={access.org.id} mfaRequired={access.org.mfaRequired} readOnly={access.role !== 'owner'} />
          </CardContent>
        </Card>
      ) : null}
      {sections.length === 0 && !access.permissions.includes('org.update') ? (
        <EmptyState title="Nothing to configure" description="Your role has no settings to change." />
      ) : sections.length === 0 ? null : (
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
