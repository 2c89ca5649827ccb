'use client';

import { useActionState, useState } from 'react';
import { CheckboxField, Form, SelectField, SubmitButton, TextField } from '@/components/forms';
import { FormDialog } from '@/components/forms/form-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { LIMIT_KEYS, LIMIT_LABELS, TIER_KEYS, TIERS, tierIncludes, type Limits } from '@/lib/plans/tiers';

type Action = (state: ActionState<unknown>, formData: FormData) => Promise<ActionResult<unknown>>;

const TIER_OPTIONS = TIER_KEYS.map((tier) => ({ value: tier, label: TIERS[tier].label }));

function LimitFields({ defaults }: { defaults?: Limits }) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Limits</legend>
      <p className="text-xs text-muted-foreground">Blank keeps the tier&apos;s default; a whole number or &quot;unlimited&quot;.</p>
      <div className="grid gap-3 sm:grid-cols-2">
        {LIMIT_KEYS.map((key) => (
          <TextField
            key={key}
            name={`limit_${key}`}
            label={LIMIT_LABELS[key].label}
            placeholder={defaults ? String(defaults[key] ?? 'unlimited') : 'tier default'}
            hint={LIMIT_LABELS[key].unit}
            inputMode="numeric"
          />
        ))}
      </div>
    </fieldset>
  );
}

/** Issue a license: on the licenses list (customer typed) or a customer's page (customer fixed). */
export function IssueLicenseForm({
  action,
  customer,
  defaultTier,
  features,
}: {
  action: Action;
  customer?: string;
  defaultTier?: string;
  features: { key: string; label: string; minTier: string }[];
}) {
  const [state, dispatch] = useActionState(action, null);
  // The tier's own features are shown as included (ticked, fixed); only the rest are extras to tick.
  const [tier, setTier] = useState(defaultTier ?? '');
  return (
    <Form action={dispatch} state={state} values={{ tier: defaultTier }}>
      {customer ? <input type="hidden" name="customer" value={customer} /> : <TextField name="customer" label="Customer" placeholder="slug or exact name" required />}
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField name="tier" label="Tier" options={TIER_OPTIONS} placeholder="The customer's tier" onChange={(event) => setTier(event.currentTarget.value || defaultTier || '')} />
        <TextField name="expiresAt" label="Expires" type="date" hint="Default: the customer's license expiry, or one year" />
        <TextField name="graceDays" label="Grace days" inputMode="numeric" placeholder="14" />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Features</legend>
        <p className="text-xs text-muted-foreground">
          The tier&apos;s features (ticked) and the customer&apos;s overrides are always included; tick extras. A higher tier, extra features or higher limits than
          the customer&apos;s tier need billing staff.
        </p>
        <div className="grid gap-2 sm:grid-cols-3">
          {features.map((feature) =>
            tier && tierIncludes(tier, feature.minTier) ? (
              <CheckboxField
                key={`${tier}-${feature.key}`}
                id={`feature-included-${feature.key}`}
                name={`included_${feature.key}`}
                label={feature.label}
                hint={`included in ${TIERS[tier as keyof typeof TIERS]?.label ?? tier}`}
                defaultChecked
                disabled
              />
            ) : (
              <CheckboxField key={`${tier}-${feature.key}`} name="features" value={feature.key} label={feature.label} hint={`extra (from ${TIERS[feature.minTier as keyof typeof TIERS]?.label ?? feature.minTier})`} />
            ),
          )}
        </div>
      </fieldset>
      <LimitFields />
      <div className="flex justify-end">
        <SubmitButton>Issue license</SubmitButton>
      </div>
    </Form>
  );
}

export function RevokeLicenseDialog({ action, licenseId }: { action: Action; licenseId: string }) {
  return (
    <FormDialog
      action={action}
      trigger={{ label: 'Revoke', variant: 'danger' }}
      title="Revoke this license?"
      description="Online checks refuse it at once; offline products stop accepting it when they next load the signed revocation list."
      fields={{ licenseId }}
      submitLabel="Revoke license"
      submitVariant="danger"
    >
      <TextField name="reason" label="Reason" placeholder="e.g. contract ended" required data-autofocus />
    </FormDialog>
  );
}

export function ReissueLicenseDialog({ action, licenseId, tier, limits }: { action: Action; licenseId: string; tier: string; limits: Limits }) {
  return (
    <FormDialog
      action={action}
      trigger={{ label: 'Re-issue', variant: 'secondary' }}
      title="Re-issue this license"
      description="A new license (new jti) replaces this one, which is revoked and linked to it. Leave a field blank to keep it."
      fields={{ licenseId }}
      submitLabel="Re-issue"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField name="tier" label="Tier" options={TIER_OPTIONS} defaultValue={tier} />
        <TextField name="expiresAt" label="New expiry" type="date" />
      </div>
      <LimitFields defaults={limits} />
      <TextField name="reason" label="Reason" placeholder="e.g. more seats" />
    </FormDialog>
  );
}

export function FlagRowForm({ action, flag }: { action: Action; flag: { key: string; minTier: string; enabled: boolean } }) {
  const [state, dispatch] = useActionState(action, null);
  return (
    <Form action={dispatch} state={state} inline aria-label={`Settings for ${flag.key}`}>
      <input type="hidden" name="key" value={flag.key} />
      <SelectField name="minTier" label="Minimum tier" options={TIER_OPTIONS} defaultValue={flag.minTier} className="w-36" />
      <SelectField
        name="enabled"
        label="Switch"
        options={[
          { value: 'true', label: 'On' },
          { value: 'false', label: 'Off (kill switch)' },
        ]}
        defaultValue={String(flag.enabled)}
        className="w-40"
      />
      <SubmitButton variant="secondary" size="md">
        Save
      </SubmitButton>
    </Form>
  );
}

export function CreateFlagForm({ action }: { action: Action }) {
  return (
    <FormDialog action={action} trigger={{ label: 'New feature', variant: 'secondary' }} title="New feature flag" description="A feature of your product that licenses carry, e.g. ha_mode." submitLabel="Create feature">
      <TextField name="key" label="Key" placeholder="ha_mode" required data-autofocus />
      <TextField name="description" label="Description" placeholder="High-availability mode" />
      <SelectField name="minTier" label="Minimum tier" options={TIER_OPTIONS} defaultValue="enterprise" />
    </FormDialog>
  );
}

export function OverrideForm({ action, features, customer }: { action: Action; features: { key: string; label: string }[]; customer?: string }) {
  return (
    <FormDialog
      action={action}
      trigger={{ label: 'Add override', variant: 'primary' }}
      title="Override a feature for one customer"
      description="Grant a feature above the customer's tier (a trial, a design partner) or withhold one. One override per customer and feature; saving again replaces it."
      fields={customer ? { customer } : undefined}
      submitLabel="Save override"
    >
      {customer ? null : <TextField name="customer" label="Customer" placeholder="slug or exact name" required data-autofocus />}
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField name="featureKey" label="Feature" options={features.map((f) => ({ value: f.key, label: f.label }))} required />
        <SelectField
          name="enabled"
          label="Effect"
          options={[
            { value: 'true', label: 'Grant' },
            { value: 'false', label: 'Withhold' },
          ]}
          defaultValue="true"
        />
      </div>
      <TextField name="expiresAt" label="Until" type="date" hint="Blank: until removed" />
      <TextField name="reason" label="Reason" placeholder='e.g. "30-day SSO trial"' required />
    </FormDialog>
  );
}

/** The repositories one plan names (a tier also includes the plans below it, shown ticked and fixed). */
export function PlanRepositoriesForm({
  action,
  tier,
  label,
  own,
  inherited,
  repositories,
}: {
  action: Action;
  tier: string;
  label: string;
  own: readonly string[];
  inherited: readonly string[];
  repositories: readonly { id: string; name: string }[];
}) {
  const [state, dispatch] = useActionState(action, null);
  return (
    <Form action={dispatch} state={state} aria-label={`Repositories of the ${label} plan`}>
      <input type="hidden" name="tier" value={tier} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">{label}</legend>
        {repositories.length === 0 ? <p className="text-xs text-muted-foreground">No repositories registered yet.</p> : null}
        <div className="grid gap-2">
          {repositories.map((repository) =>
            inherited.includes(repository.id) && !own.includes(repository.id) ? (
              <CheckboxField key={repository.id} id={`plan-${tier}-inherited-${repository.id}`} name={`inherited_${repository.id}`} label={`${repository.name} (from a lower plan)`} defaultChecked disabled />
            ) : (
              <CheckboxField key={repository.id} id={`plan-${tier}-${repository.id}`} name="repositoryIds" value={repository.id} label={repository.name} defaultChecked={own.includes(repository.id)} />
            ),
          )}
        </div>
      </fieldset>
      <SubmitButton size="sm">Save {label}</SubmitButton>
    </Form>
  );
}
