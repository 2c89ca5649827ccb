import type { Metadata } from 'next';
import { DowngradeNotice } from '@/components/features/downgrade-notice';
import { UpgradeGate } from '@/components/features/upgrade-gate';
import { SsoSettings } from '@/components/sso/sso-settings';
import { PageHeader } from '@/components/ui/page-header';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { loadSsoSettings } from '@/lib/identity/sso/settings';

export const metadata: Metadata = { title: 'Single sign-on' };

export default async function PortalSsoSettingsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ sso_test?: string }> }) {
  const { org: slug } = await params;
  const { sso_test: testResult } = await searchParams;
  const { actor, access } = await requirePortalPage(slug, 'sso.manage');
  const data = await loadSsoSettings(actor, access.org.id, testResult);
  const path = `/portal/${encodeURIComponent(access.org.slug)}/settings/sso`;
  return (
    <>
      <PageHeader
        title="Single sign-on"
        description="Let your people sign in with your identity provider (SAML 2.0 or OpenID Connect)."
        breadcrumbs={[{ label: 'Settings', href: `/portal/${encodeURIComponent(access.org.slug)}/settings` }, { label: 'Single sign-on' }]}
      />
      <DowngradeNotice orgId={access.org.id} features={['sso']} />
      <UpgradeGate feature="sso" org={access.org}>
        <SsoSettings data={data} settingsPath={path} />
      </UpgradeGate>
    </>
  );
}
