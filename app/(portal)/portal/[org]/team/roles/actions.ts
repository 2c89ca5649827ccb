'use server';

import { refresh } from 'next/cache';
import { formAction } from '@/lib/identity/actions';
import { createRole, deleteRole, roleFieldsSchema, roleRefSchema, updateRole, updateRoleSchema } from '@/lib/identity/roles/roles';

export const createRoleAction = formAction(roleFieldsSchema, async (input, actor) => {
  const role = await createRole(actor, input);
  refresh();
  return { data: { id: role.id }, message: `Role ${role.name} created.` };
});

export const updateRoleAction = formAction(updateRoleSchema, async (input, actor) => {
  const role = await updateRole(actor, input);
  refresh();
  return { data: { id: role.id }, message: `Role ${role.name} saved.` };
});

export const deleteRoleAction = formAction(roleRefSchema, async (input, actor) => {
  const role = await deleteRole(actor, input);
  refresh();
  return { message: `Role ${role.name} deleted.` };
});
