'use client';

import { useState } from 'react';
import { SelectField, TextField } from '@/components/forms';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/forms/form-dialog';
import { InviteLinkDialog, type Invited, type RoleOption } from '@/components/customers/customer-people';
import { changeMemberRoleAction, inviteMemberAction } from './actions';

export function InviteMemberButton({ orgId, roles, disabledReason }: { orgId: string; roles: readonly RoleOption[]; disabledReason?: string | null }) {
  const [invited, setInvited] = useState<Invited | null>(null);
  if (disabledReason) {
    return (
      <Button disabled title={disabledReason}>
        Invite member
      </Button>
    );
  }
  return (
    <>
      <FormDialog<Invited>
        title="Invite a member"
        description="They get an email with a link to join. Nobody can be given more access than you have."
        trigger={{ label: 'Invite member' }}
        action={inviteMemberAction}
        fields={{ orgId }}
        values={{ role: 'viewer' }}
        submitLabel="Send invitation"
        onSuccess={setInvited}
      >
        <TextField name="email" label="Email" type="email" autoComplete="off" required data-autofocus />
        <SelectField name="role" label="Role" options={roles} required hint="Roles you cannot grant are disabled." />
      </FormDialog>
      <InviteLinkDialog invited={invited} onClose={() => setInvited(null)} />
    </>
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
