import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { SimpleTable } from '@/components/ui/simple-table';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { FEATURE_KIND_LABELS } from '@/lib/plans/catalog';
import { listFeatureFlags, listFeatureOverrides } from '@/lib/product/features/flags';
import { LIMIT_KEYS, LIMIT_LABELS, TIER_KEYS, TIERS, tierIncludes, tierLabel } from '@/lib/plans/tiers';
import { formatDate } from '@/lib/platform/format';
import { hasStaffPermission } from '@/lib/identity/rbac/authorize';
import { listPlanRepositories } from '@/lib/product/registry/plans';
import { createFlagAction, removeOverrideAction, setOverrideAction, setPlanRepositoriesAction, updateFlagAction } from '../actions';
import { CreateFlagForm, FlagRowForm, OverrideForm, PlanRepositoriesForm } from '../_components/forms';
import { TierBadge } from '@/components/licenses/license-badges';
import { LicensingTabs } from '../_components/tabs';

export const metadata: Metadata = { title: 'Features & overrides' };

type TierRow = { kind: 'flag'; flag: Awaited<ReturnType<typeof listFeatureFlags>>[number] } | { kind: 'limit'; key: (typeof LIMIT_KEYS)[number] };

export default async function FeaturesPage() {
  const { actor } = await requireStaffPage('/admin/licenses/features');
  const [flags, overrides] = await Promise.all([listFeatureFlags(actor), listFeatureOverrides(actor)]);
  const canManage = hasStaffPermission(actor, 'features.manage');
  const plans = hasStaffPermission(actor, 'repositories.view') ? await listPlanRepositories(actor) : [];
  const now = new Date();
  return (
    <>
      <PageHeader
        title="Features & overrides"
        description="Which tier includes which feature, the kill switch, and per-customer overrides. Portal features are enforced by Portcullis (UpgradeGate, server actions and routes); product features are carried in every license issued and the entitlements API for the product to enforce."
        actions={canManage ? <CreateFlagForm action={createFlagAction} /> : null}
      />
      <LicensingTabs active="features" canManageKeys={hasStaffPermission(actor, 'signing_keys.manage')} />

      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Tiers</CardTitle>
        </CardHeader>
        <CardContent>
          <SimpleTable<TierRow>
            caption="Feature table by tier"
            empty="No features"
            rows={[...flags.map((flag) => ({ kind: 'flag' as const, flag })), ...LIMIT_KEYS.map((key) => ({ kind: 'limit' as const, key }))]}
            rowKey={(row) => (row.kind === 'flag' ? `flag:${row.flag.key}` : `limit:${row.key}`)}
            columns={[
              {
                header: 'Feature',
                cell: (row) =>
                  row.kind === 'flag' ? (
                    <span className={row.flag.enabled ? undefined : 'opacity-60'}>
                      {row.flag.label} {row.flag.enabled ? null : <Badge tone="danger">off</Badge>}
                    </span>
                  ) : (
                    <>
                      {LIMIT_LABELS[row.key].label} <span className="text-xs text-muted-foreground">({LIMIT_LABELS[row.key].unit})</span>
                    </>
                  ),
              },
              {
                header: 'Enforced by',
                cell: (row) =>
                  row.kind === 'flag' ? (
                    <Badge tone={row.flag.kind === 'portal' ? 'info' : 'neutral'} title={FEATURE_KIND_LABELS[row.flag.kind].description}>
                      {FEATURE_KIND_LABELS[row.flag.kind].label}
                    </Badge>
                  ) : null,
              },
              ...TIER_KEYS.map((tier) => ({
                header: TIERS[tier].label,
                align: 'center' as const,
                cell: (row: TierRow) =>
                  row.kind === 'limit' ? (
                    (TIERS[tier].limits[row.key]?.toLocaleString('en-US') ?? 'Unlimited')
                  ) : tierIncludes(tier, row.flag.minTier) ? (
                    <span aria-label="included" className={row.flag.enabled ? undefined : 'opacity-60'}>✓</span>
                  ) : (
                    <span className="text-muted-foreground" aria-label="not included">—</span>
                  ),
              })),
            ]}
          />
        </CardContent>
      </Card>

      {plans.length ? (
        <Card className="mb-6">
          <CardHeader>
            <CardTitle>Repositories by plan</CardTitle>
            <p className="text-sm text-muted-foreground">
              Repository grants from a customer&apos;s plan follow its tier: a tier change (Stripe, manual tier) adds what the new plan includes and removes what it no longer does, in the same transaction. Repositories granted to one customer by hand are never touched.
            </p>
          </CardHeader>
          <CardContent className="grid gap-6 md:grid-cols-3">
            {plans.map((plan) =>
              canManage ? (
                <PlanRepositoriesForm key={plan.tier} action={setPlanRepositoriesAction} tier={plan.tier} label={plan.label} own={plan.own} inherited={plan.inherited} repositories={plan.repositories} />
              ) : (
                <div key={plan.tier}>
                  <p className="text-sm font-medium">{plan.label}</p>
                  <ul className="mt-2 space-y-1 font-mono text-[13px]">
                    {plan.repositories
                      .filter((repository) => plan.own.includes(repository.id) || plan.inherited.includes(repository.id))
                      .map((repository) => (
                        <li key={repository.id}>{repository.name}</li>
                      ))}
                  </ul>
                </div>
              ),
            )}
          </CardContent>
        </Card>
      ) : null}
      <Card className="mb-6">
        <CardHeader>
          <CardTitle>Feature flags</CardTitle>
          <p className="text-sm text-muted-foreground">Changing a minimum tier or switching a feature off takes effect at once for every customer; licenses already issued keep their features until re-issued.</p>
        </CardHeader>
        <CardContent>
          <ul className="divide-y divide-border">
            {flags.map((flag) => (
              <li key={flag.key} className="flex flex-col gap-3 py-3 lg:flex-row lg:items-end lg:justify-between">
                <div className="min-w-0">
                  <p className="font-medium">
                    {flag.label} <code className="ml-1 font-mono text-xs text-muted-foreground">{flag.key}</code> {flag.custom ? <Badge tone="info">custom</Badge> : null}
                  </p>
                  <p className="text-sm text-muted-foreground">{flag.description}</p>
                  <p className="text-xs text-muted-foreground">
                    From {tierLabel(flag.minTier)} · {flag.overrides} override{flag.overrides === 1 ? '' : 's'}
                  </p>
                </div>
                {canManage ? <FlagRowForm action={updateFlagAction} flag={flag} /> : <TierBadge tier={flag.minTier} />}
              </li>
            ))}
          </ul>
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="flex-row items-start justify-between gap-4">
          <div>
            <CardTitle>Customer overrides</CardTitle>
            <p className="text-sm text-muted-foreground">Grants or withholds one feature for one customer, optionally until a date. Every change is audited with its reason and author.</p>
          </div>
          {canManage ? <OverrideForm action={setOverrideAction} features={flags.map((f) => ({ key: f.key, label: f.label }))} /> : null}
        </CardHeader>
        <CardContent>
          <SimpleTable
            caption="Customer overrides"
            empty="No overrides."
            rows={overrides}
            rowKey={(o) => o.id}
            columns={[
              {
                header: 'Customer',
                cell: (o) => (
                  <Link className="font-medium hover:underline" href={`/admin/customers/${o.org.slug}/licenses`}>
                    {o.org.name}
                  </Link>
                ),
              },
              { header: 'Feature', className: 'font-mono text-xs', cell: (o) => o.featureKey },
              { header: 'Effect', cell: (o) => (o.enabled ? <Badge tone="success">Granted</Badge> : <Badge tone="warning">Withheld</Badge>) },
              {
                header: 'Until',
                className: 'whitespace-nowrap',
                cell: (o) => {
                  const expired = o.expiresAt !== null && o.expiresAt <= now;
                  return o.expiresAt ? <span className={expired ? 'text-danger' : undefined}>{formatDate(o.expiresAt)}{expired ? ' (ended)' : ''}</span> : 'until removed';
                },
              },
              { header: 'Reason', cell: (o) => o.reason },
              { header: 'By', className: 'text-muted-foreground', cell: (o) => o.createdBy },
              {
                header: 'Actions',
                hideHeader: true,
                align: 'right',
                cell: (o) =>
                  canManage ? (
                    <ConfirmDialog title="Remove this override?" confirmLabel="Remove" action={removeOverrideAction} fields={{ orgId: o.orgId, featureKey: o.featureKey }} trigger={{ label: 'Remove', variant: 'ghost', size: 'sm' }}>
                      {o.org.name} falls back to what its tier includes for {o.featureKey}.
                    </ConfirmDialog>
                  ) : null,
              },
            ]}
          />
        </CardContent>
      </Card>
    </>
  );
}
