'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { formAction } from '@/lib/identity/actions';
import { checkoutSchema, openBillingPortal, returnOrigin, startCheckout } from '@/lib/product/billing/checkout';

/** Creates a Checkout Session for the chosen plan and sends the browser to it (the billing page's plan picker, and every UpgradeButton). */
export const checkoutAction = formAction(checkoutSchema, async (input, actor) => {
  const { url } = await startCheckout(actor, input, returnOrigin(await headers()));
  redirect(url);
});

/** Opens the Stripe billing portal for the org's customer. */
export const billingPortalAction = formAction(z.object({ org: z.string().min(1) }), async (input, actor) => {
  const { url } = await openBillingPortal(actor, input.org, returnOrigin(await headers()));
  redirect(url);
});
