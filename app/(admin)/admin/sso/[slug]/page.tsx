import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SsoSettings } from '@/components/sso/sso-settings';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { prisma } from '@/lib/platform/db/client';
import { isAppError } from '@/lib/platform/errors';
import { loadSsoSettings } from '@/lib/identity/sso/settings';

export const metadata: Metadata = { title: 'Customer SSO' };

export default async function AdminCustomerSsoPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ sso_test?: string }> }) {
  const { slug } = await params;
  const { sso_test: testResult } = await searchParams;
  const { actor } = await requireStaffPage(`/admin/sso/${slug}`);
  const org = await prisma.organization.findUnique({ where: { slug }, select: { id: true, name: true, slug: true } });
  if (!org) notFound();
  const data = await loadSsoSettings(actor, org.id, testResult).catch((error: unknown) => {
    if (isAppError(error)) notFound();
    throw error;
  });
  return (
    <>
      <PageHeader
        title={`${org.name}: single sign-on`}
        description={data.staff.canManage ? 'You can change this customer’s SSO setup and approve its domains. Every change is audited.' : 'Your staff role can view this setup but not change it.'}
        breadcrumbs={[{ label: 'SSO', href: '/admin/sso' }, { label: org.name }]}
      />
      <SsoSettings data={data} settingsPath={`/admin/sso/${encodeURIComponent(org.slug)}`} />
    </>
  );
}
