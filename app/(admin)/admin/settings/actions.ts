'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { staffAction } from '@/lib/actions';
import { instructionSettingsSchema, resetTemplate, updateInstructionSettings, updateTemplate, updateTemplateSchema } from '@/lib/instructions/templates';
import { setMaxTokenDays } from '@/lib/registry/tokens';
import { resetMfa, resetMfaSchema } from '@/lib/auth/mfa';
import { deactivateStaffUser, reactivateStaffUser, staffAccountSchema } from '@/lib/staff/staff-users';

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

export const setMaxTokenDaysAction = staffAction('settings.manage', z.object({ maxDays: z.string() }), async ({ maxDays }, actor) => {
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

/** A staff-admin removes someone's second factor (lost phone); their sessions end (lib/auth/mfa.ts). */
export const resetMfaAction = staffAction('staff.manage', resetMfaSchema, async (input, actor) => {
  const { email, sessionsEnded } = await resetMfa(actor, input);
  revalidatePath('/admin/settings');
  return { message: `Two-factor authentication of ${email} is reset; ${sessionsEnded} ${sessionsEnded === 1 ? 'session' : 'sessions'} ended.` };
});
