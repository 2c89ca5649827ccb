'use client';

import { useActionState } from 'react';
import { CheckboxField, Form, SubmitButton } from '@/components/forms';
import type { ActionResult, ActionState } from '@/lib/platform/action-result';

type Action = (state: ActionState, formData: FormData) => Promise<ActionResult>;

/** The owner's switch: members who sign in with a password must use two-factor authentication. */
export function OrgMfaRequirementForm({ action, orgId, mfaRequired, readOnly }: { action: Action; orgId: string; mfaRequired: boolean; readOnly: boolean }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <Form action={formAction} state={state} values={{ mfaRequired }} className="space-y-3">
      <input type="hidden" name="orgId" value={orgId} />
      <CheckboxField
        name="mfaRequired"
        value="true"
        label="Require two-factor authentication"
        hint="Members who sign in with a password must set up an authenticator app before they can use this organization. Sign-ins through your SSO are left to your identity provider."
        disabled={readOnly}
        state={state}
      />
      {readOnly ? <p className="text-sm text-muted-foreground">Only an owner can change this.</p> : <SubmitButton pending={pending}>Save</SubmitButton>}
    </Form>
  );
}
