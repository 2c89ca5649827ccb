'use client';

import { Sparkles } from 'lucide-react';
import { useActionState } from 'react';
import { FormError } from '@/components/forms';
import { Button } from '@/components/ui/button';
import { checkoutAction } from '@/lib/product/billing/actions';

/** One click from an upgrade prompt straight into Stripe Checkout for `tier` (monthly); errors (e.g. no billing permission) show beside it. */
export function CheckoutButton({ org, tier, label }: { org: string; tier: string; label: string }) {
  const [state, action, pending] = useActionState(checkoutAction, null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="org" value={org} />
      <input type="hidden" name="tier" value={tier} />
      <input type="hidden" name="interval" value="month" />
      <Button type="submit" loading={pending}>
        <Sparkles aria-hidden="true" />
        {label}
      </Button>
      <FormError state={state} />
    </form>
  );
}
