'use client';

import { SelectField } from '@/components/forms';
import { FormDialog } from '@/components/forms/form-dialog';
import { InviteButton, type RoleOption } from '@/components/customers/customer-people';
import { changeMemberRoleAction, inviteMemberAction } from './actions';

export function InviteMemberButton({ orgId, roles, disabledReason }: { orgId: string; roles: readonly RoleOption[]; disabledReason?: string | null }) {
  return (
    <InviteButton
      orgId={orgId}
      roles={roles}
      action={inviteMemberAction}
      title="Invite a member"
      description="They get an email with a link to join. Nobody can be given more access than you have."
      trigger={{ label: 'Invite member' }}
      defaultRole="viewer"
      roleHint="Roles you cannot grant are disabled."
      disabledReason={disabledReason}
    />
  );
}

export function ChangeRoleButton({ orgId, membershipId, name, roleRef, roles }: { orgId: string; membershipId: string; name: string; roleRef: string; roles: readonly RoleOption[] }) {
  return (
    <FormDialog
      title={`Change ${name}'s role`}
      description="The change applies immediately and is recorded in the audit log."
      trigger={{ label: 'Change role', variant: 'secondary', size: 'sm', 'aria-label': `Change role of ${name}` }}
      action={changeMemberRoleAction}
      fields={{ orgId, membershipId }}
      values={{ role: roleRef }}
      submitLabel="Save role"
      size="sm"
    >
      <SelectField name="role" label="Role" options={roles} required />
    </FormDialog>
  );
}
