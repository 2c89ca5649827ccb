'use client';

import { SelectField, TextAreaField } from '@/components/forms';
import { FormDialog } from '@/components/forms/form-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';
import { TIER_KEYS, tierLabel } from '@/lib/plans/tiers';

const TIERS = [{ value: '', label: 'None: follow the subscription' }, ...TIER_KEYS.map((tier) => ({ value: tier, label: tierLabel(tier) }))];

/** Staff: set or clear the manual tier of an invoiced deal. */
export function ManualTierDialog({
  org,
  manualTier,
  action,
}: {
  org: { id: string; name: string };
  manualTier: string | null;
  action: (state: ActionState, formData: FormData) => Promise<ActionResult>;
}) {
  return (
    <FormDialog
      title={`Manual tier for ${org.name}`}
      description="For invoiced deals. While set, it is the customer's tier whatever their Stripe subscription does; webhooks keep recording the subscription. A tier change re-issues their license."
      trigger={{ label: 'Manual tier', variant: 'secondary', size: 'sm', 'aria-label': `Set manual tier for ${org.name}` }}
      action={action}
      fields={{ orgId: org.id }}
      values={{ tier: manualTier ?? '' }}
      submitLabel="Save"
      // Rendered inside a right-aligned, no-wrap table cell: reset both.
      className="text-left whitespace-normal"
    >
      <SelectField name="tier" label="Tier" options={TIERS} data-autofocus />
      <TextAreaField name="reason" label="Reason" required hint="Recorded in the audit log, e.g. the contract number." rows={3} />
    </FormDialog>
  );
}
