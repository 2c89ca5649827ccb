import type { Metadata } from 'next';
import { Download } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { KeyValueList } from '@/components/ui/key-value-list';
import { PageHeader } from '@/components/ui/page-header';
import { licenseEnvVar } from '@/lib/product/licensing/product-env';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { LIMIT_KEYS, LIMIT_LABELS, tierLabel, tierOf } from '@/lib/plans/tiers';
import { featureLabel } from '@/lib/plans/catalog';
import { formatDate } from '@/lib/platform/format';
import { type LicenseView } from '@/lib/product/licensing/license-row';
import { listLicenses } from '@/lib/product/licensing/read';
import { LICENSE_STATUS_LABELS, statusTone } from '@/lib/product/licensing/status';

export const metadata: Metadata = { title: 'Licenses' };

const USABLE = new Set(['active', 'expiring', 'grace', 'scheduled']);

function DownloadLink({ href, license, primary }: { href: string; license: LicenseView; primary?: boolean }) {
  return (
    <a href={href} download className={buttonVariants({ variant: primary ? 'primary' : 'secondary', size: primary ? 'md' : 'sm' })} aria-label={`Download license ${license.jti.slice(0, 8)}`}>
      <Download aria-hidden="true" />
      {primary ? 'Download license' : 'Download'}
    </a>
  );
}

export default async function LicensesPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const { actor, access } = await requirePortalPage(slug, 'licenses.view');
  const org = access.org;
  const canDownload = access.permissions.includes('licenses.download');
  const { rows } = await listLicenses(actor, { orgId: org.id, take: 50 });
  const current = rows.find((license) => USABLE.has(license.status) && license.status !== 'scheduled') ?? null;
  const href = (license: LicenseView) => `/portal/${encodeURIComponent(org.slug)}/licenses/${license.id}/download`;

  return (
    <>
      <PageHeader
        title="Licenses"
        description={`Your installation reads the signed license offline from the ${licenseEnvVar()} environment variable: download the license and set ${licenseEnvVar()} to its contents.`}
      />
      {current ? (
        <Card className="mb-6">
          <CardHeader className="flex flex-row items-start justify-between gap-3">
            <div>
              <CardTitle className="flex items-center gap-2">
                Current license <Badge tone={statusTone(current.status)}>{LICENSE_STATUS_LABELS[current.status]}</Badge>
              </CardTitle>
              <CardDescription>
                License <code className="font-mono">{current.jti.slice(0, 8)}</code>, signed with key <code className="font-mono">{current.kid}</code>.
              </CardDescription>
            </div>
            {canDownload ? <DownloadLink href={href(current)} license={current} primary /> : null}
          </CardHeader>
          <CardContent>
            <KeyValueList
              columns={2}
              items={[
                { label: 'Plan', value: tierLabel(tierOf(current.tier)) },
                { label: 'Valid', value: `${formatDate(current.notBefore)} – ${formatDate(current.expiresAt)}` },
                { label: 'Grace after expiry', value: `${current.graceDays} days` },
                { label: 'Features', value: current.features.length ? current.features.map(featureLabel).join(', ') : '—' },
                ...LIMIT_KEYS.map((key) => ({ label: LIMIT_LABELS[key].label, value: current.limits[key] === null || current.limits[key] === undefined ? 'Unlimited' : current.limits[key]!.toLocaleString('en-US') })),
              ]}
            />
            {!canDownload ? <p className="mt-4 text-sm text-muted-foreground">Your role can view licenses but not download them.</p> : null}
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>All licenses</CardTitle>
        </CardHeader>
        <CardContent>
          {rows.length === 0 ? (
            <EmptyState title="No license yet" description="Your vendor contact issues your license; it appears here when they do." />
          ) : (
            <ul className="divide-y divide-border" aria-label="Licenses">
              {rows.map((license) => (
                <li key={license.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
                  <div>
                    <div className="flex items-center gap-2 font-medium">
                      <code className="font-mono">{license.jti.slice(0, 8)}</code> {tierLabel(tierOf(license.tier))}
                      <Badge tone={statusTone(license.status)}>{LICENSE_STATUS_LABELS[license.status]}</Badge>
                    </div>
                    <div className="text-xs text-muted-foreground">
                      Issued {formatDate(license.issuedAt)} · expires {formatDate(license.expiresAt)}
                      {license.revokedReason ? ` · ${license.revokedReason}` : ''}
                    </div>
                  </div>
                  {canDownload && USABLE.has(license.status) ? <DownloadLink href={href(license)} license={license} /> : null}
                </li>
              ))}
            </ul>
          )}
        </CardContent>
      </Card>
    </>
  );
}
