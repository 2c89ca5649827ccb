'use client';

import { useActionState, useState } from 'react';
import { toast } from 'sonner';
import { SelectField, TextField } from '@/components/forms';
import { FormDialog } from '@/components/forms/form-dialog';
import { Button } from '@/components/ui/button';
import { SecretRevealDialog } from '@/components/ui/secret-reveal-dialog';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

export type RoleOption = { value: string; label: string; disabled?: boolean };
export type Invited = { link: string; mailed: boolean; email: string };
export type InviteAction = (state: ActionState<Invited>, formData: FormData) => Promise<ActionResult<Invited>>;

const LINK_TERMS =
  'It works once, for that address only, and expires in 7 days. Opening it is not enough to join: someone new confirms the address with a code we email to it, and someone with an account signs in as that address.';

/** Resending (or inviting the address again) makes a new link and the old one stops working (lib/identity/members/invitations.ts). */
export const INVITATION_LINK_LOST = 'If it is lost, resend the invitation (or invite the same address again): that makes a new link, and this one stops working.';

/** The invitation link, shown once after inviting or resending (the admin customer page and the portal's team page). */
export function InviteLinkDialog({ invited, onClose }: { invited: Invited | null; onClose: () => void }) {
  return (
    <SecretRevealDialog
      open={invited !== null}
      onClose={onClose}
      title={invited?.mailed ? `Invitation sent to ${invited.email}` : 'The invitation email could not be sent'}
      description={invited?.mailed ? `If the email does not arrive, you may send them this link. ${LINK_TERMS}` : `Send them this link yourself. ${LINK_TERMS}`}
      values={invited ? [{ label: 'Invitation link', value: invited.link }] : []}
      acknowledgeLabel="Done"
      ifLost={INVITATION_LINK_LOST}
    />
  );
}

/**
 * Invite someone into an organization; the link is shown once. Staff invite
 * a customer's owner from the customer page, members invite their team from
 * the portal.
 */
export function InviteButton({
  orgId,
  roles,
  action,
  title,
  description,
  trigger,
  defaultRole,
  roleHint,
  disabledReason,
}: {
  orgId: string;
  roles: readonly RoleOption[];
  action: InviteAction;
  title: string;
  description: string;
  trigger: { label: string; size?: 'sm' };
  defaultRole: string;
  roleHint?: string;
  disabledReason?: string | null;
}) {
  const [invited, setInvited] = useState<Invited | null>(null);
  if (disabledReason) {
    return (
      <Button disabled title={disabledReason} size={trigger.size}>
        {trigger.label}
      </Button>
    );
  }
  return (
    <>
      <FormDialog<Invited>
        title={title}
        description={description}
        trigger={trigger}
        action={action}
        fields={{ orgId }}
        values={{ role: defaultRole }}
        submitLabel="Send invitation"
        onSuccess={setInvited}
      >
        <TextField name="email" label="Email" type="email" autoComplete="off" required data-autofocus />
        <SelectField name="role" label="Role" options={roles} required hint={roleHint} />
      </FormDialog>
      <InviteLinkDialog invited={invited} onClose={() => setInvited(null)} />
    </>
  );
}

export function ResendInvitationButton({ orgId, invitationId, email, action }: { orgId: string; invitationId: string; email: string; action: InviteAction }) {
  const [invited, setInvited] = useState<Invited | null>(null);
  const [, dispatch, pending] = useActionState<ActionState<Invited>, FormData>(async (previous, formData) => {
    const result = await action(previous, formData);
    if (result.ok) setInvited(result.data);
    else toast.error(result.error);
    return result;
  }, null);
  return (
    <>
      <form action={dispatch}>
        <input type="hidden" name="orgId" value={orgId} />
        <input type="hidden" name="invitationId" value={invitationId} />
        <Button type="submit" variant="secondary" size="sm" loading={pending} aria-label={`Resend the invitation for ${email}`}>
          Resend
        </Button>
      </form>
      <InviteLinkDialog invited={invited} onClose={() => setInvited(null)} />
    </>
  );
}
