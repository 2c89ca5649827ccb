'use client';

import { ExternalLink } from 'lucide-react';
import { useActionState } from 'react';
import { FormError } from '@/components/forms';
import { Button } from '@/components/ui/button';
import type { ActionState } from '@/lib/platform/action-result';

/** Opens the Stripe billing portal (payment method, invoices, plan changes, cancellation). */
export function PortalButton({
  org,
  label = 'Manage billing',
  portalAction,
}: {
  org: string;
  label?: string;
  portalAction: (state: ActionState, formData: FormData) => Promise<ActionState>;
}) {
  const [state, action, pending] = useActionState(portalAction, null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="org" value={org} />
      <Button type="submit" variant="secondary" loading={pending}>
        <ExternalLink aria-hidden="true" />
        {label}
      </Button>
      <FormError state={state} />
    </form>
  );
}
