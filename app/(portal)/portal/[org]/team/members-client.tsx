'use client';

import { useActionState, useState } from 'react';
import { toast } from 'sonner';
import { SelectField, TextField } from '@/components/forms';
import { Button } from '@/components/ui/button';
import { SecretRevealDialog } from '@/components/ui/secret-reveal-dialog';
import type { ActionState } from '@/lib/action-result';
import { FormDialog } from '@/components/forms/form-dialog';
import { changeMemberRoleAction, inviteMemberAction, resendInvitationAction } from './actions';

export type RoleOption = { value: string; label: string; disabled?: boolean };

type Invited = { link: string; mailed: boolean; email: string };

const LINK_TERMS =
  'It works once, for that address only, and expires in 7 days. Opening it is not enough to join: someone new confirms the address with a code we email to it, and someone with an account signs in as that address.';

function InviteLinkDialog({ invited, onClose }: { invited: Invited | null; onClose: () => void }) {
  return (
    <SecretRevealDialog
      open={invited !== null}
      onClose={onClose}
      title={invited?.mailed ? `Invitation sent to ${invited.email}` : 'The invitation email could not be sent'}
      description={
        invited?.mailed
          ? `If the email does not arrive, you may send them this link. ${LINK_TERMS}`
          : `Send them this link yourself. ${LINK_TERMS}`
      }
      values={invited ? [{ label: 'Invitation link', value: invited.link }] : []}
      acknowledgeLabel="Done"
    />
  );
}

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

export function ResendInvitationButton({ orgId, invitationId }: { orgId: string; invitationId: string }) {
  const [invited, setInvited] = useState<Invited | null>(null);
  const [, dispatch, pending] = useActionState<ActionState<Invited>, FormData>(async (previous, formData) => {
    const result = await resendInvitationAction(previous, formData);
    if (result.ok) setInvited(result.data);
    else toast.error(result.error);
    return result;
  }, null);
  return (
    <>
      <form action={dispatch}>
        <input type="hidden" name="orgId" value={orgId} />
        <input type="hidden" name="invitationId" value={invitationId} />
        <Button type="submit" variant="secondary" size="sm" loading={pending}>
          Resend
        </Button>
      </form>
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
