'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formAction } from '@/lib/identity/actions';
import { createSiemDestination, deleteSiemDestination, redeliverSiem, siemDestinationSchema, updateSiemDestination } from '@/lib/product/siem/destinations';

const slug = z.string().min(1);
const id = z.string().uuid();
const done = (org: string) => revalidatePath(`/portal/${org}/audit/streaming`);

export const createDestinationAction = formAction(siemDestinationSchema.extend({ slug }), async ({ slug, ...input }, actor) => {
  const { destination, secret } = await createSiemDestination(actor, slug, input);
  done(slug);
  return { data: { url: destination.url, secret }, message: 'Destination added. New audit events will be delivered to it.' };
});

export const updateDestinationAction = formAction(
  z.object({ slug, id, enabled: z.enum(['true', 'false']).optional(), rotateSecret: z.literal('true').optional() }),
  async (input, actor) => {
    const { destination, secret } = await updateSiemDestination(actor, input.slug, input.id, {
      enabled: input.enabled === undefined ? undefined : input.enabled === 'true',
      rotateSecret: input.rotateSecret === 'true',
    });
    done(input.slug);
    if (secret) return { data: { url: destination.url, secret }, message: 'Secret rotated.' };
    return { data: null, message: destination.enabled ? 'Streaming resumed; events held meanwhile are being delivered.' : 'Streaming paused.' };
  },
);

export const deleteDestinationAction = formAction(z.object({ slug, id }), async (input, actor) => {
  await deleteSiemDestination(actor, input.slug, input.id);
  done(input.slug);
  return { message: 'Destination removed.' };
});

export const redeliverAction = formAction(z.object({ slug, deliveryId: id.optional(), destinationId: id.optional() }), async (input, actor) => {
  const target = input.deliveryId ? { deliveryId: input.deliveryId } : { destinationId: input.destinationId! };
  const { requeued } = await redeliverSiem(actor, input.slug, target);
  done(input.slug);
  revalidatePath('/admin/audit/siem');
  return { message: requeued === 1 ? 'Queued for redelivery.' : `${requeued} deliveries queued again.` };
});
