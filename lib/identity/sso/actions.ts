'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { formAction, staffAction } from '@/lib/identity/actions';
import { createOidcConnection, createSamlConnection, deleteSsoConnection, updateSsoConnection } from './connections';
import { domainSchema, groupRoleSchema, oidcConnectionSchema, samlConnectionSchema, ssoPolicySchema } from './schemas';
import { addDomain, approveDomain, removeDomain, verifyDomainByDns } from './domains';
import { removeGroupRole, setGroupRole, updateSsoPolicy } from './policy';

/**
 * Server actions behind the SSO settings, shared by the customer portal and
 * the staff dashboard. They only parse and delegate: every service checks
 * the actor's permission on the org itself.
 */

const orgScoped = z.object({ orgId: z.string().min(1) });
const withId = orgScoped.extend({ id: z.string().min(1) });

function refresh() {
  revalidatePath('/portal/[org]/settings/sso', 'page');
  revalidatePath('/admin/sso', 'layout');
}

export const createSamlConnectionAction = formAction(samlConnectionSchema.safeExtend(orgScoped.shape), async ({ orgId, ...input }, actor) => {
  await createSamlConnection(actor, orgId, input);
  refresh();
  return { message: 'SAML connection added.' };
});

export const createOidcConnectionAction = formAction(oidcConnectionSchema.extend(orgScoped.shape), async ({ orgId, ...input }, actor) => {
  await createOidcConnection(actor, orgId, input);
  refresh();
  return { message: 'OIDC connection added.' };
});

// The fields depend on the connection's protocol (SAML or OIDC), which only the service knows: it parses them with that protocol's schema.
export const updateConnectionAction = formAction(withId.passthrough(), async ({ orgId, id, ...input }, actor) => {
  await updateSsoConnection(actor, orgId, id, input);
  refresh();
  return { message: 'Connection saved.' };
});

export const deleteConnectionAction = formAction(withId, async ({ orgId, id }, actor) => {
  await deleteSsoConnection(actor, orgId, id);
  refresh();
  return { message: 'Connection removed.' };
});

export const addDomainAction = formAction(domainSchema.extend(orgScoped.shape), async ({ orgId, ...input }, actor) => {
  await addDomain(actor, orgId, input);
  refresh();
  return { message: 'Domain added. Verify it to use it for SSO.' };
});

export const verifyDomainAction = formAction(withId, async ({ orgId, id }, actor) => {
  await verifyDomainByDns(actor, orgId, id);
  refresh();
  return { message: 'Domain verified.' };
});

export const approveDomainAction = staffAction('sso.manage', withId, async ({ orgId, id }, actor) => {
  await approveDomain(actor, orgId, id);
  refresh();
  return { message: 'Domain approved.' };
});

export const removeDomainAction = formAction(withId, async ({ orgId, id }, actor) => {
  await removeDomain(actor, orgId, id);
  refresh();
  return { message: 'Domain removed.' };
});

export const updatePolicyAction = formAction(ssoPolicySchema.extend(orgScoped.shape), async ({ orgId, ...input }, actor) => {
  await updateSsoPolicy(actor, orgId, input);
  refresh();
  return { message: 'Sign-in policy saved.' };
});

export const setGroupRoleAction = formAction(groupRoleSchema.extend(orgScoped.shape), async ({ orgId, ...input }, actor) => {
  await setGroupRole(actor, orgId, input);
  refresh();
  return { message: 'Group mapping saved.' };
});

export const removeGroupRoleAction = formAction(withId, async ({ orgId, id }, actor) => {
  await removeGroupRole(actor, orgId, id);
  refresh();
  return { message: 'Group mapping removed.' };
});
