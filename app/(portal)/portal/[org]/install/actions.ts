'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { formAction } from '@/lib/identity/actions';
import { deliverInstructions } from '@/lib/product/instructions/instructions';
import { rotateOwnToken, rotateOwnTokenSchema } from '@/lib/product/portal/tokens';

export const rotateOwnTokenAction = formAction(rotateOwnTokenSchema, async (input, actor) => {
  const minted = await rotateOwnToken(actor, input);
  refresh();
  return { data: minted, message: `Rotated ${minted.name}.` };
});

const copiedSchema = z.object({ orgId: z.string().min(1), repositoryId: z.string().optional() });

/** Copying the whole instructions hands them over, as a download does (audited, ticks onboarding). */
export const instructionsCopiedAction = formAction(copiedSchema, async (input, actor) => {
  await deliverInstructions(actor, input.orgId, { repositoryId: input.repositoryId || null, via: 'copy' });
});
