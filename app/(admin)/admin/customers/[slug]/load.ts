import 'server-only';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { requireStaffPage } from '@/lib/identity/auth/session';
import { getCustomer } from '@/lib/product/customers/customers';
import { isAppError } from '@/lib/platform/errors';

/** The customer for this request (layout and tab pages share one load); 404 for an unknown slug. */
export const loadCustomer = cache(async (slug: string) => {
  const { actor, user } = await requireStaffPage(`/admin/customers/${slug}`);
  try {
    return { actor, user, customer: await getCustomer(actor, decodeURIComponent(slug)) };
  } catch (error) {
    if (isAppError(error) && error.status === 404) notFound();
    throw error;
  }
});
