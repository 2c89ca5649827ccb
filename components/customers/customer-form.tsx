'use client';

import { useActionState, useState, type ReactNode } from 'react';
import { Form, SelectField, SubmitButton, TextAreaField, TextField, type FormValues } from '@/components/forms';
import { LinkButton } from '@/components/ui/button';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { TIER_KEYS, tierLabel } from '@/lib/plans/tiers';
import { slugPreview } from '@/lib/product/customers/slug';

export type CustomerFormProps = {
  action: (state: ActionState, formData: FormData) => Promise<ActionResult>;
  values?: FormValues;
  /** Hidden fields, e.g. the org id when editing. */
  hidden?: Record<string, string>;
  cancelHref: string;
} & (
  | {
      mode: 'create';
      /** Instead of the tier select, for staff who may not set a manual tier (the customer starts on Community). */
      tier?: ReactNode;
    }
  | {
      mode: 'edit';
      /** The tier is billing's once the customer exists: show it and say where it changes. */
      tier: ReactNode;
    }
);

const tierOptions = TIER_KEYS.map((tier) => ({ value: tier, label: tierLabel(tier) }));

export function CustomerForm({ action, mode, values, hidden, tier, cancelHref }: CustomerFormProps) {
  const [state, dispatch, pending] = useActionState(action, null);
  const [name, setName] = useState('');
  return (
    <Form action={dispatch} state={state} values={values} noValidate>
      {hidden ? Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />) : null}
      <fieldset className="grid items-start gap-5 sm:grid-cols-2">
        <legend className="sr-only">Customer</legend>
        <TextField name="name" label="Name" required maxLength={100} autoComplete="organization" placeholder="Acme Corp" onChange={(event) => setName(event.currentTarget.value)} />
        {mode === 'create' ? (
          <TextField
            name="slug"
            label="Slug"
            hint="Their registry username and portal address. Leave empty to derive it from the name; it cannot change later."
            maxLength={40}
            placeholder={slugPreview(name)}
            spellCheck={false}
          />
        ) : null}
        <TextField name="contactEmail" label="Contact email" type="email" required autoComplete="email" placeholder="ops@acme.com" />
        {tier ?? (
          <SelectField
            name="tier"
            label="Tier"
            options={tierOptions}
            defaultValue="community"
            hint="Team or Enterprise becomes a manual tier (an invoiced deal) that Stripe webhooks keep. Leave Community for customers who will buy a plan online."
          />
        )}
        <TextField name="licenseExpiresAt" label="License expires" type="date" hint="Valid through this day (UTC). Leave empty for no expiry." />
      </fieldset>
      <fieldset className="grid items-start gap-5 border-t border-border pt-5 sm:grid-cols-3">
        <legend className="mb-3 text-sm font-semibold">Deployment</legend>
        <TextField name="kubernetesVersion" label="Kubernetes version" placeholder="1.31" spellCheck={false} />
        <TextField name="productVersion" label="Product version" placeholder="4.2.0" spellCheck={false} />
        <TextField name="namespace" label="Target namespace" placeholder="acme-prod" hint="Defaults to the slug in instructions." spellCheck={false} />
      </fieldset>
      <TextAreaField name="notes" label="Notes" rows={3} maxLength={5000} hint="Only staff see these." />
      <div className="flex flex-wrap justify-end gap-2">
        <LinkButton href={cancelHref} variant="secondary">
          Cancel
        </LinkButton>
        <SubmitButton pending={pending}>{mode === 'create' ? 'Create customer' : 'Save changes'}</SubmitButton>
      </div>
    </Form>
  );
}
