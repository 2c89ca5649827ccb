import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ScrollX } from '@/components/ui/scroll-x';
import { CopyButton } from '@/components/ui/copy-button';
import { KeyValueList } from '@/components/ui/key-value-list';
import { PageHeader } from '@/components/ui/page-header';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { NotFoundError } from '@/lib/platform/errors';
import { featureLabel } from '@/lib/plans/catalog';
import { LIMIT_LABELS, isLimitKey } from '@/lib/plans/tiers';
import { formatDate, formatDateTime } from '@/lib/platform/format';
import { canonicalClaimsJson } from '@/lib/product/licensing/claims';
import { getLicense } from '@/lib/product/licensing/read';
import { previewLicenseToken } from '@/lib/product/licensing/preview';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { reissueLicenseAction, revokeLicenseAction } from '../actions';
import { ReissueLicenseDialog, RevokeLicenseDialog } from '../_components/forms';
import { LicenseStatusBadge, TierBadge } from '@/components/licenses/license-badges';
import { DAY } from '@/lib/platform/time';

export const metadata: Metadata = { title: 'License' };

export default async function LicensePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ issued?: string }> }) {
  const { id } = await params;
  const { actor } = await requireStaffPage(`/admin/licenses/${id}`);
  const license = await getLicense(actor, id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const token = await previewLicenseToken(license);
  const { issued } = await searchParams;
  const live = !license.revokedAt;
  const claims = license.claims;
  return (
    <>
      <PageHeader
        breadcrumbs={[{ label: 'Licenses', href: '/admin/licenses' }, { label: license.org.name, href: `/admin/customers/${license.org.slug}/licenses` }, { label: license.jti.slice(0, 8) }]}
        title={
          <span className="flex flex-wrap items-center gap-3">
            License for {license.org.name} <LicenseStatusBadge status={license.status} />
          </span>
        }
        description={`jti ${license.jti}`}
        actions={
          live ? (
            <>
              {hasStaffPermission(actor, 'licenses.issue') ? (
                <ReissueLicenseDialog action={reissueLicenseAction} licenseId={license.id} tier={license.tier} limits={license.limits} />
              ) : null}
              {hasStaffPermission(actor, 'licenses.revoke') ? <RevokeLicenseDialog action={revokeLicenseAction} licenseId={license.id} /> : null}
            </>
          ) : license.replacedBy ? null : hasStaffPermission(actor, 'licenses.issue') ? (
            <ReissueLicenseDialog action={reissueLicenseAction} licenseId={license.id} tier={license.tier} limits={license.limits} />
          ) : null
        }
      />
      {issued ? (
        <Alert tone="success" className="mb-6" title="License issued">
          Download it or copy it below and send it to the customer. It can be downloaded again at any time.
        </Alert>
      ) : null}
      {license.revokedAt ? (
        <Alert tone={license.replacedBy ? 'info' : 'danger'} className="mb-6" title={license.replacedBy ? 'Re-issued' : 'Revoked'}>
          {license.revokedReason} ({formatDateTime(license.revokedAt)}).{' '}
          {license.replacedBy ? (
            <Link className="underline" href={`/admin/licenses/${license.replacedBy.id}`}>
              Open the new license
            </Link>
          ) : null}
        </Alert>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card>
          <CardHeader>
            <CardTitle>Claims</CardTitle>
          </CardHeader>
          <CardContent>
            <KeyValueList
              items={[
                { label: 'Customer', value: <Link className="hover:underline" href={`/admin/customers/${license.org.slug}/licenses`}>{claims.customer_name} <span className="font-mono text-xs text-muted-foreground">sub {claims.sub}</span></Link> },
                { label: 'Tier', value: <TierBadge tier={license.tier} /> },
                {
                  label: 'Features',
                  value: (
                    <span className="flex flex-wrap gap-1">
                      {license.features.map((f) => (
                        <span key={f} className="rounded border border-border bg-subtle px-1.5 py-0.5 text-xs">
                          {featureLabel(f)}
                        </span>
                      ))}
                    </span>
                  ),
                },
                {
                  label: 'Limits',
                  value: Object.entries(JSON.parse(canonicalClaimsJson(claims)).limits as Record<string, number | null>)
                    .map(([k, v]) => `${isLimitKey(k) ? LIMIT_LABELS[k].label : k}: ${v === null ? 'unlimited' : v.toLocaleString('en-US')}`)
                    .join(' · '),
                },
                { label: 'Valid', value: `${formatDateTime(license.notBefore)} → ${formatDateTime(license.expiresAt)}` },
                { label: 'Grace', value: `${license.graceDays} days after expiry (until ${formatDate(new Date(license.expiresAt.getTime() + license.graceDays * DAY))})` },
                { label: 'Audience / issuer', value: `${Array.isArray(claims.aud) ? claims.aud.join(', ') : claims.aud} · ${claims.iss}` },
                { label: 'Signing key', value: <span className="font-mono text-xs">{license.kid} ({license.keyStatus})</span> },
                { label: 'Issued', value: `${formatDateTime(license.issuedAt)} by ${license.issuedBy ?? 'unknown'}` },
                ...(license.replaces ? [{ label: 'Replaces', value: <Link className="font-mono text-xs hover:underline" href={`/admin/licenses/${license.replaces.id}`}>{license.replaces.jti}</Link> }] : []),
              ]}
            />
          </CardContent>
        </Card>
        <div className="space-y-6">
          <Card>
            <CardHeader>
              <CardTitle>License key</CardTitle>
              <p className="text-sm text-muted-foreground">Set it as the product&apos;s license environment variable. It is the same text every time it is downloaded.</p>
            </CardHeader>
            <CardContent className="space-y-3">
              {token.ok ? (
                <>
                  <pre tabIndex={0} className="max-h-40 overflow-auto rounded-md border border-border bg-subtle p-3 font-mono text-xs break-all whitespace-pre-wrap" aria-label="License key">
                    {token.token}
                  </pre>
                  <div className="flex flex-wrap gap-2">
                    <a className={buttonVariants({ variant: 'primary', size: 'sm' })} href={`/admin/licenses/${license.id}/download`} download>
                      Download
                    </a>
                    <CopyButton value={token.token} label="license key" showText />
                  </div>
                </>
              ) : (
                <Alert tone="warning">{token.message}</Alert>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Decoded</CardTitle>
            </CardHeader>
            <CardContent>
              <ScrollX as="pre" className="rounded-md border border-border bg-subtle p-3 font-mono text-xs">
                {JSON.stringify({ alg: 'EdDSA', kid: license.kid, typ: 'JWT' }, null, 2)}
                {'\n'}
                {JSON.stringify(JSON.parse(canonicalClaimsJson(claims)), null, 2)}
              </ScrollX>
            </CardContent>
          </Card>
        </div>
      </div>
    </>
  );
}
