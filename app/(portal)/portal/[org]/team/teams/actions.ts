'use server';

import { refresh } from 'next/cache';
import { formAction } from '@/lib/identity/actions';
import {
  addTeamMember,
  createTeam,
  createTeamSchema,
  deleteTeam,
  removeTeamMember,
  teamMemberSchema,
  teamRefSchema,
  updateTeam,
  updateTeamSchema,
} from '@/lib/identity/teams/teams';

export const createTeamAction = formAction(createTeamSchema, async (input, actor) => {
  const team = await createTeam(actor, input);
  refresh();
  return { message: `Team ${team.name} created.` };
});

export const updateTeamAction = formAction(updateTeamSchema, async (input, actor) => {
  const team = await updateTeam(actor, input);
  refresh();
  return { message: `Team ${team.name} saved.` };
});

export const deleteTeamAction = formAction(teamRefSchema, async (input, actor) => {
  const team = await deleteTeam(actor, input);
  refresh();
  return { message: `Team ${team.name} deleted.` };
});

export const addTeamMemberAction = formAction(teamMemberSchema, async (input, actor) => {
  const result = await addTeamMember(actor, input);
  refresh();
  return { message: `${result.email} added to ${result.team.name}.` };
});

export const removeTeamMemberAction = formAction(teamMemberSchema, async (input, actor) => {
  const result = await removeTeamMember(actor, input);
  refresh();
  return { message: `${result.email} removed from ${result.team.name}.` };
});
