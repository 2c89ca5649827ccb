'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/identity/actions';
import { instructionSettingsSchema, resetTemplate, updateInstructionSettings, updateTemplate, updateTemplateSchema } from '@/lib/product/instructions/templates';
import { maxTokenDaysSchema, setMaxTokenDays } from '@/lib/product/registry/tokens';
import { oidcConnectionSchema, samlConnectionSchema } from '@/lib/identity/sso/schemas';
import {
  CONFIGURE_STAFF_SSO,
  createStaffOidcConnection,
  createStaffSamlConnection,
  deleteStaffSsoConnection,
  requireStaffSso,
  updateStaffSsoConnection,
} from '@/lib/identity/sso/staff/connection';
import {
  breakGlassSchema,
  removeStaffGroupRole,
  setBreakGlassAdmin,
  setStaffGroupRole,
  staffGroupRoleIdSchema,
  staffGroupRoleSchema,
  staffSsoRequiredSchema,
} from '@/lib/identity/sso/staff/policy';
import { resetMfa, resetMfaSchema } from '@/lib/identity/auth/mfa';
import { deactivateStaffUser, reactivateStaffUser, staffAccountSchema } from '@/lib/identity/staff/staff-users';

export const updateTemplateAction = staffAction('templates.manage', updateTemplateSchema, async (input, actor) => {
  const template = await updateTemplate(actor, input);
  revalidatePath('/admin/settings');
  return { message: `Saved "${template.title}".` };
});

export const resetTemplateAction = staffAction('templates.manage', z.object({ key: z.string().min(1) }), async ({ key }, actor) => {
  const template = await resetTemplate(actor, key);
  revalidatePath('/admin/settings');
  return { message: `"${template.title}" is back to the default text.` };
});

export const updateInstructionSettingsAction = staffAction('templates.manage', instructionSettingsSchema, async (input, actor) => {
  await updateInstructionSettings(actor, input);
  revalidatePath('/admin/settings');
  return { message: 'Saved.' };
});

export const setMaxTokenDaysAction = staffAction('settings.manage', z.object({ maxDays: maxTokenDaysSchema }), async ({ maxDays }, actor) => {
  const days = await setMaxTokenDays(actor, maxDays);
  revalidatePath('/admin/settings');
  return { message: `New tokens can now live up to ${days} days.` };
});

export const deactivateStaffAction = staffAction('staff.manage', staffAccountSchema, async (input, actor) => {
  const { user, sessionsEnded } = await deactivateStaffUser(actor, input);
  revalidatePath('/admin/settings');
  return { message: `${user.email} is deactivated; ${sessionsEnded} ${sessionsEnded === 1 ? 'session' : 'sessions'} ended.` };
});

export const reactivateStaffAction = staffAction('staff.manage', staffAccountSchema, async (input, actor) => {
  const user = await reactivateStaffUser(actor, input);
  revalidatePath('/admin/settings');
  return { message: `${user.email} can sign in again.` };
});

// Staff sign-in (lib/identity/sso/staff): the vendor's own IdP, "SSO required for staff", break-glass, group mappings.
export const createStaffSamlConnectionAction = staffAction(CONFIGURE_STAFF_SSO, samlConnectionSchema, async (input, actor) => {
  await createStaffSamlConnection(actor, input);
  revalidatePath('/admin/settings');
  return { message: 'Staff SAML connection added. Sign in through it once before requiring SSO for staff.' };
});

export const createStaffOidcConnectionAction = staffAction(CONFIGURE_STAFF_SSO, oidcConnectionSchema, async (input, actor) => {
  await createStaffOidcConnection(actor, input);
  revalidatePath('/admin/settings');
  return { message: 'Staff OIDC connection added. Sign in through it once before requiring SSO for staff.' };
});

// The fields depend on the connection's protocol (SAML or OIDC), which only the service knows: it parses them with that protocol's schema.
export const updateStaffConnectionAction = staffAction(CONFIGURE_STAFF_SSO, z.looseObject({}), async (input, actor) => {
  await updateStaffSsoConnection(actor, input);
  revalidatePath('/admin/settings');
  return { message: 'Staff connection saved.' };
});

export const deleteStaffConnectionAction = staffAction(CONFIGURE_STAFF_SSO, z.object({}), async (_input, actor) => {
  await deleteStaffSsoConnection(actor);
  revalidatePath('/admin/settings');
  return { message: 'Staff connection removed; staff sign in with their passwords.' };
});

export const setStaffSsoRequiredAction = staffAction(CONFIGURE_STAFF_SSO, staffSsoRequiredSchema, async (input, actor) => {
  const { required } = await requireStaffSso(actor, input);
  revalidatePath('/admin/settings');
  return { message: required ? 'Staff now sign in with SSO; only the break-glass admin keeps a password.' : 'Staff may sign in with their passwords again.' };
});

export const setBreakGlassAction = staffAction(CONFIGURE_STAFF_SSO, breakGlassSchema, async (input, actor) => {
  const { user } = await setBreakGlassAdmin(actor, input);
  revalidatePath('/admin/settings');
  return { message: user ? `${user.email} is the break-glass admin.` : 'No break-glass admin any more.' };
});

export const setStaffGroupRoleAction = staffAction(CONFIGURE_STAFF_SSO, staffGroupRoleSchema, async (input, actor) => {
  const row = await setStaffGroupRole(actor, input);
  revalidatePath('/admin/settings');
  return { message: `Members of ${row.groupName} sign in as ${row.staffRole}.` };
});

export const removeStaffGroupRoleAction = staffAction(CONFIGURE_STAFF_SSO, staffGroupRoleIdSchema, async (input, actor) => {
  await removeStaffGroupRole(actor, input);
  revalidatePath('/admin/settings');
  return { message: 'Group mapping removed.' };
});

/** A staff-admin removes someone's second factor (lost phone); their sessions end (lib/identity/auth/mfa.ts). */
export const resetMfaAction = staffAction('staff.manage', resetMfaSchema, async (input, actor) => {
  const { email, sessionsEnded } = await resetMfa(actor, input);
  revalidatePath('/admin/settings');
  return { message: `Two-factor authentication of ${email} is reset; ${sessionsEnded} ${sessionsEnded === 1 ? 'session' : 'sessions'} ended.` };
});
