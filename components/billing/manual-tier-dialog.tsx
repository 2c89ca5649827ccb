'use client';

import { useActionState, useState } from 'react';
import { toast } from 'sonner';
import { Form, SelectField, SubmitButton, TextAreaField } from '@/components/forms';
import { Button } from '@/components/ui/button';
import { Dialog, DialogBody, DialogFooter } from '@/components/ui/dialog';
import type { ActionState } from '@/lib/platform/action-result';
import { TIER_KEYS, tierLabel } from '@/lib/plans/tiers';

const TIERS = [{ value: '', label: 'None: follow the subscription' }, ...TIER_KEYS.map((tier) => ({ value: tier, label: tierLabel(tier) }))];

/** Staff: set or clear the manual tier of an invoiced deal. */
export function ManualTierDialog({
  org,
  manualTier,
  action: serverAction,
}: {
  org: { id: string; name: string };
  manualTier: string | null;
  action: (state: ActionState, formData: FormData) => Promise<ActionState>;
}) {
  const [open, setOpen] = useState(false);
  const [state, action] = useActionState(async (previous: ActionState, formData: FormData) => {
    const result = await serverAction(previous, formData);
    if (result?.ok) {
      setOpen(false);
      if (result.message) toast.success(result.message);
    }
    return result;
  }, null);
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)} aria-label={`Set manual tier for ${org.name}`}>
        Manual tier
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Manual tier for ${org.name}`}
        // Rendered inside a right-aligned, no-wrap table cell: reset both.
        className="text-left whitespace-normal"
        description="For invoiced deals. While set, it is the customer's tier whatever their Stripe subscription does; webhooks keep recording the subscription. A tier change re-issues their license."
      >
        <Form action={action} state={state} values={{ tier: manualTier ?? '' }} toastOnSuccess={false}>
          <DialogBody className="space-y-4">
            <input type="hidden" name="orgId" value={org.id} />
            <SelectField name="tier" label="Tier" options={TIERS} data-autofocus />
            <TextAreaField name="reason" label="Reason" required hint="Recorded in the audit log, e.g. the contract number." rows={3} />
          </DialogBody>
          <DialogFooter>
            <Button variant="ghost" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <SubmitButton>Save</SubmitButton>
          </DialogFooter>
        </Form>
      </Dialog>
    </>
  );
}
