'use server';

import { refresh } from 'next/cache';
import { formAction } from '@/lib/identity/actions';
import { orgMfaRequirementSchema, setOrgMfaRequirement } from '@/lib/identity/auth/org-mfa-requirement';

export const setOrgMfaRequirementAction = formAction(orgMfaRequirementSchema, async (input, actor) => {
  const { mfaRequired, changed } = await setOrgMfaRequirement(actor, input);
  refresh();
  if (!changed) return { message: 'Nothing changed.' };
  return { message: mfaRequired ? 'Two-factor authentication is now required for password sign-ins.' : 'Two-factor authentication is no longer required.' };
});
