'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/identity/actions';
import { manualTierSchema, setManualTier } from '@/lib/product/billing/staff';

export const manualTierAction = staffAction('billing.manage', manualTierSchema, async (input, actor) => {
  const result = await setManualTier(actor, input);
  revalidatePath('/admin/billing');
  // The customer's own pages show the tier and offer this control too.
  revalidatePath('/admin/customers/[slug]', 'layout');
  return { message: result.manualTier ? `Manual tier set; the customer is now on ${result.tier}.` : `Manual tier cleared; the customer is now on ${result.tier}.` };
});
