'use client';

import { SelectField, TextAreaField, TextField } from '@/components/forms';
import { FormDialog } from '@/components/forms/form-dialog';
import { addTeamMemberAction, createTeamAction, updateTeamAction } from './actions';

export function CreateTeamButton({ orgId }: { orgId: string }) {
  return (
    <FormDialog title="New team" description="Teams group members, e.g. by department or cluster." trigger={{ label: 'New team' }} action={createTeamAction} fields={{ orgId }} submitLabel="Create team">
      <TextField name="name" label="Name" required maxLength={64} data-autofocus />
      <TextAreaField name="description" label="Description" rows={2} maxLength={280} />
    </FormDialog>
  );
}

export function EditTeamButton({ orgId, team }: { orgId: string; team: { id: string; name: string; description: string | null } }) {
  return (
    <FormDialog
      title={`Edit ${team.name}`}
      trigger={{ label: 'Edit', variant: 'ghost', size: 'sm', 'aria-label': `Edit team ${team.name}` }}
      action={updateTeamAction}
      fields={{ orgId, teamId: team.id }}
      values={{ name: team.name, description: team.description }}
      submitLabel="Save team"
    >
      <TextField name="name" label="Name" required maxLength={64} />
      <TextAreaField name="description" label="Description" rows={2} maxLength={280} />
    </FormDialog>
  );
}

export function AddTeamMemberButton({ orgId, team, candidates }: { orgId: string; team: { id: string; name: string }; candidates: readonly { value: string; label: string }[] }) {
  return (
    <FormDialog
      title={`Add a member to ${team.name}`}
      trigger={{ label: 'Add member', variant: 'secondary', size: 'sm', 'aria-label': `Add member to ${team.name}` }}
      action={addTeamMemberAction}
      fields={{ orgId, teamId: team.id }}
      submitLabel="Add to team"
      size="sm"
    >
      <SelectField name="membershipId" label="Member" options={candidates} placeholder="Choose a member…" required />
    </FormDialog>
  );
}
