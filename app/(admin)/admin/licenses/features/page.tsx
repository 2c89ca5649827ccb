import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
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
        <CardContent className="overflow-x-auto">
          <table className="w-full min-w-[40rem] text-sm">
            <caption className="sr-only">Feature table by tier</caption>
            <thead className="border-b border-border text-left text-xs text-muted-foreground uppercase">
              <tr>
                <th className="py-2 pr-4 font-medium">Feature</th>
                <th className="py-2 pr-4 font-medium">Enforced by</th>
                {TIER_KEYS.map((tier) => (
                  <th key={tier} className="px-4 py-2 text-center font-medium">
                    {TIERS[tier].label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-border">
              {flags.map((flag) => (
                <tr key={flag.key} className={flag.enabled ? undefined : 'opacity-60'}>
                  <td className="py-2 pr-4">
                    {flag.label} {flag.enabled ? null : <Badge tone="danger">off</Badge>}
                  </td>
                  <td className="py-2 pr-4" title={FEATURE_KIND_LABELS[flag.kind].description}>
                    <Badge tone={flag.kind === 'portal' ? 'info' : 'neutral'}>{FEATURE_KIND_LABELS[flag.kind].label}</Badge>
                  </td>
                  {TIER_KEYS.map((tier) => (
                    <td key={tier} className="px-4 py-2 text-center">
                      {tierIncludes(tier, flag.minTier) ? <span aria-label="included">✓</span> : <span className="text-muted-foreground" aria-label="not included">—</span>}
                    </td>
                  ))}
                </tr>
              ))}
              {LIMIT_KEYS.map((key) => (
                <tr key={key}>
                  <td className="py-2 pr-4">
                    {LIMIT_LABELS[key].label} <span className="text-xs text-muted-foreground">({LIMIT_LABELS[key].unit})</span>
                  </td>
                  <td className="py-2 pr-4" />
                  {TIER_KEYS.map((tier) => (
                    <td key={tier} className="px-4 py-2 text-center tabular-nums">
                      {TIERS[tier].limits[key]?.toLocaleString('en-US') ?? 'Unlimited'}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </CardContent>
      </Card>

      {plans.length ? (
        <Card className="mb-6">
          <CardHeader>
            <CardTitle>Repositories by plan</CardTitle>
            <p className="text-sm text-muted-foreground">
              A customer&apos;s plan entitlements follow its tier: a tier change (Stripe, manual tier) adds what the new plan includes and removes what it no longer does, in the same transaction. Repositories granted to one customer by hand are never touched.
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
        <CardContent className="overflow-x-auto">
          {overrides.length === 0 ? (
            <p className="py-4 text-sm text-muted-foreground">No overrides.</p>
          ) : (
            <table className="w-full min-w-[44rem] text-sm">
              <caption className="sr-only">Customer overrides</caption>
              <thead className="border-b border-border text-left text-xs text-muted-foreground uppercase">
                <tr>
                  <th className="py-2 pr-4 font-medium">Customer</th>
                  <th className="py-2 pr-4 font-medium">Feature</th>
                  <th className="py-2 pr-4 font-medium">Effect</th>
                  <th className="py-2 pr-4 font-medium">Until</th>
                  <th className="py-2 pr-4 font-medium">Reason</th>
                  <th className="py-2 pr-4 font-medium">By</th>
                  <th className="py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-border">
                {overrides.map((o) => {
                  const expired = o.expiresAt !== null && o.expiresAt <= now;
                  return (
                    <tr key={o.id}>
                      <td className="py-2 pr-4">
                        <Link className="font-medium hover:underline" href={`/admin/customers/${o.org.slug}/licenses`}>
                          {o.org.name}
                        </Link>
                      </td>
                      <td className="py-2 pr-4 font-mono text-xs">{o.featureKey}</td>
                      <td className="py-2 pr-4">{o.enabled ? <Badge tone="success">Granted</Badge> : <Badge tone="warning">Withheld</Badge>}</td>
                      <td className="py-2 pr-4 whitespace-nowrap">{o.expiresAt ? <span className={expired ? 'text-danger' : undefined}>{formatDate(o.expiresAt)}{expired ? ' (ended)' : ''}</span> : 'until removed'}</td>
                      <td className="py-2 pr-4">{o.reason}</td>
                      <td className="py-2 pr-4 text-muted-foreground">{o.createdBy}</td>
                      <td className="py-2 text-right">
                        {canManage ? (
                          <ConfirmDialog title="Remove this override?" confirmLabel="Remove" action={removeOverrideAction} fields={{ orgId: o.orgId, featureKey: o.featureKey }} trigger={{ label: 'Remove', variant: 'ghost', size: 'sm' }}>
                            {o.org.name} falls back to what its tier includes for {o.featureKey}.
                          </ConfirmDialog>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </CardContent>
      </Card>
    </>
  );
}
