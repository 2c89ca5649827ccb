'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/identity/actions';
import { redeliverSiem } from '@/lib/product/siem/destinations';

export const staffRedeliverAction = staffAction('customers.update', z.object({ slug: z.string().min(1), deliveryId: z.string().uuid().optional(), destinationId: z.string().uuid().optional() }), async (input, actor) => {
  const { requeued } = await redeliverSiem(actor, input.slug, input.deliveryId ? { deliveryId: input.deliveryId } : { destinationId: input.destinationId! });
  revalidatePath('/admin/audit/siem');
  return { message: requeued === 1 ? 'Queued for redelivery.' : `${requeued} deliveries queued again.` };
});
