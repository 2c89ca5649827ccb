'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { staffAction } from '@/lib/identity/actions';
import { createRepository, createRepositorySchema, deleteRepository, updateRepository, updateRepositorySchema } from '@/lib/product/registry/repositories';

export const createRepositoryAction = staffAction('repositories.manage', createRepositorySchema, async (input, actor) => {
  await createRepository(actor, input);
  revalidatePath('/admin/repositories');
  redirect('/admin/repositories');
});

export const updateRepositoryAction = staffAction('repositories.manage', updateRepositorySchema.extend({ repositoryId: z.string().min(1) }), async ({ repositoryId, ...input }, actor) => {
  const repository = await updateRepository(actor, repositoryId, input);
  revalidatePath('/admin/repositories');
  revalidatePath(`/admin/repositories/${repositoryId}`);
  return { message: `Saved ${repository.name}.` };
});

export const deleteRepositoryAction = staffAction('repositories.manage', z.object({ repositoryId: z.string().min(1) }), async ({ repositoryId }, actor) => {
  await deleteRepository(actor, repositoryId);
  revalidatePath('/admin/repositories');
  redirect('/admin/repositories');
});
