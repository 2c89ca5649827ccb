'use client';

import { useActionState } from 'react';
import { Form, SubmitButton, TextField } from '@/components/forms';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { LIMIT_KEYS, LIMIT_LABELS, type Limits } from '@/lib/plans/tiers';

type Action = (state: ActionState<unknown>, formData: FormData) => Promise<ActionResult<unknown>>;

/** Staff set one customer's limits over the tier's: blank keeps the default, "unlimited" lifts it. */
export function CustomerQuotaForm({
  action,
  org,
  own,
  defaults,
  warningThreshold,
  pullGracePercent,
}: {
  action: Action;
  org: { id: string; slug: string };
  own: Partial<Limits>;
  defaults: Limits;
  warningThreshold: number | null;
  pullGracePercent: number | null;
}) {
  const [state, dispatch] = useActionState(action, null);
  const shown = (value: number | null | undefined) => (value === undefined ? '' : value === null ? 'unlimited' : String(value));
  return (
    <Form
      action={dispatch}
      state={state}
      aria-label="Customer limits"
      values={{
        ...Object.fromEntries(LIMIT_KEYS.map((key) => [key, shown(own[key])])),
        warningPercent: warningThreshold === null ? '' : String(Math.round(warningThreshold * 100)),
        pullGracePercent: pullGracePercent === null ? '' : String(pullGracePercent),
      }}
    >
      <input type="hidden" name="orgId" value={org.id} />
      <input type="hidden" name="slug" value={org.slug} />
      <div className="grid gap-3 sm:grid-cols-2">
        {LIMIT_KEYS.map((key) => (
          <TextField key={key} name={key} label={LIMIT_LABELS[key].label} hint={`${LIMIT_LABELS[key].unit}; plan: ${defaults[key] ?? 'unlimited'}`} placeholder="plan default" />
        ))}
        <TextField name="warningPercent" label="Warn at (%)" hint="Admins and staff are warned once a month" placeholder="setting" inputMode="numeric" />
        <TextField name="pullGracePercent" label="Pull grace (%)" hint="Pulls allowed past the limit before refusing" placeholder="setting" inputMode="numeric" />
      </div>
      <TextField name="reason" label="Reason" placeholder="contract, trial, …" required />
      <SubmitButton size="sm">Save limits</SubmitButton>
    </Form>
  );
}
