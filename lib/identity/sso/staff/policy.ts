import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { NotFoundError, ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { STAFF_ROLE_KEYS, STAFF_ROLES, type StaffRole } from '@/lib/identity/rbac/permissions';

/**
 * Who signs in as staff how. "SSO required for staff" refuses staff password sign-in, except for
 * one designated break-glass staff-admin, who keeps their password (and MFA) for the day the IdP is
 * down. Both are settings rows changed only here (or by `portcullis staff sso-required|break-glass`),
 * audited as `staff_sso.*`. Group mappings let an IdP group sign in people who have no staff
 * account yet, with a staff role; staff-admin only when that was confirmed explicitly.
 */

export const STAFF_SSO_REQUIRED_KEY = 'staffSso.required';
export const BREAK_GLASS_KEY = 'staffSso.breakGlassUserId';
const CONFIGURE = 'staff.manage' as const;

export interface StaffSsoPolicy {
  required: boolean;
  breakGlassUserId: string | null;
}

export async function staffSsoPolicy(db: Db = prisma): Promise<StaffSsoPolicy> {
  const rows = await db.setting.findMany({ where: { key: { in: [STAFF_SSO_REQUIRED_KEY, BREAK_GLASS_KEY] } } });
  const value = (key: string) => rows.find((row) => row.key === key)?.value;
  const breakGlass = value(BREAK_GLASS_KEY);
  return { required: value(STAFF_SSO_REQUIRED_KEY) === true, breakGlassUserId: typeof breakGlass === 'string' && breakGlass ? breakGlass : null };
}

/** Whether this staff member's password sign-in is refused because staff must use SSO. */
export async function staffPasswordRefused(user: { id: string; staffRole: string | null }, db: Db = prisma): Promise<boolean> {
  if (!user.staffRole) return false;
  const policy = await staffSsoPolicy(db);
  if (!policy.required) return false;
  return !(policy.breakGlassUserId === user.id && user.staffRole === 'staff-admin');
}

async function putValue(tx: Db, key: string, value: string | boolean) {
  await tx.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
}

/** A form's "true"/"false", or a boolean from the CLI and tests. */
const flag = (error: string) => z.union([z.boolean(), z.stringbool({ error })]);

export const staffSsoRequiredSchema = z.object({ required: flag('Choose on or off.') });

/**
 * Turns the requirement on or off. On needs a working connection: one whose Jackson record exists
 * and through which a staff member has signed in (so nobody is locked out by a connection that
 * was never tried).
 */
export async function setStaffSsoRequired(actor: Actor, raw: z.input<typeof staffSsoRequiredSchema>, connectionCheck: () => Promise<string | null>) {
  assertStaffPermission(actor, CONFIGURE);
  const { required } = staffSsoRequiredSchema.parse(raw);
  if (required) {
    const problem = await connectionCheck();
    if (problem) throw ValidationError.field('required', problem);
  }
  return prisma.$transaction(async (tx) => {
    const before = await staffSsoPolicy(tx);
    if (before.required === required) return { changed: false, required };
    await putValue(tx, STAFF_SSO_REQUIRED_KEY, required);
    await recordAudit(tx, actor, {
      action: 'staff_sso.required_change',
      target: { type: 'setting', id: STAFF_SSO_REQUIRED_KEY },
      before: { required: before.required },
      after: { required, breakGlassUserId: before.breakGlassUserId },
    });
    return { changed: true, required };
  });
}

export const breakGlassSchema = z.object({
  email: z.preprocess((value) => (typeof value === 'string' ? value.trim().toLowerCase() : value), z.union([z.literal(''), z.email('Enter the staff admin’s email address.').max(320)])),
});

/** Names the one staff-admin who keeps password sign-in while SSO is required (an empty email clears it). */
export async function setBreakGlassAdmin(actor: Actor, raw: z.input<typeof breakGlassSchema>) {
  assertStaffPermission(actor, CONFIGURE);
  const { email } = breakGlassSchema.parse(raw);
  return prisma.$transaction(async (tx) => {
    let user: { id: string; email: string } | null = null;
    if (email) {
      const found = await tx.user.findUnique({ where: { email }, omit: { passwordHash: false } });
      if (!found || !found.staffRole) throw ValidationError.field('email', 'There is no staff account with this email address.');
      if (found.staffRole !== 'staff-admin') throw ValidationError.field('email', 'Only a staff admin can be the break-glass account.');
      if (found.disabledAt) throw ValidationError.field('email', 'This staff account is deactivated.');
      if (!found.passwordHash) throw ValidationError.field('email', 'This staff admin has no password to keep; they set one with "Forgot your password?" first.');
      user = { id: found.id, email: found.email };
    }
    const before = await staffSsoPolicy(tx);
    if (before.breakGlassUserId === (user?.id ?? null)) return { changed: false, user };
    const previous = before.breakGlassUserId ? await tx.user.findUnique({ where: { id: before.breakGlassUserId }, select: { email: true } }) : null;
    await putValue(tx, BREAK_GLASS_KEY, user?.id ?? '');
    await recordAudit(tx, actor, {
      action: 'staff_sso.break_glass_set',
      target: { type: 'user', id: user?.id ?? before.breakGlassUserId },
      before: { userId: before.breakGlassUserId, email: previous?.email ?? null },
      after: { userId: user?.id ?? null, email: user?.email ?? null },
    });
    return { changed: true, user };
  });
}

// ── group → staff role ─────────────────────────────────────────────────────────

export const staffGroupRoleSchema = z
  .object({
    groupName: z.string().trim().min(1, 'Enter the group name exactly as your IdP sends it.').max(256),
    staffRole: z.enum(STAFF_ROLE_KEYS as [StaffRole, ...StaffRole[]], { message: 'Choose a staff role.' }),
    /** The explicit confirmation without which no group grants staff-admin. */
    allowAdmin: flag('Confirm with yes or no.').optional().default(false),
  })
  .superRefine((value, ctx) => {
    if (value.staffRole === 'staff-admin' && !value.allowAdmin) {
      ctx.addIssue({ code: 'custom', path: ['allowAdmin'], message: 'A group makes people staff admins only when you confirm it explicitly.' });
    }
  });

export async function setStaffGroupRole(actor: Actor, raw: z.input<typeof staffGroupRoleSchema>) {
  assertStaffPermission(actor, CONFIGURE);
  const input = staffGroupRoleSchema.parse(raw);
  return prisma.$transaction(async (tx) => {
    const before = await tx.staffSsoGroupRole.findUnique({ where: { groupName: input.groupName } });
    const row = await tx.staffSsoGroupRole.upsert({ where: { groupName: input.groupName }, create: { groupName: input.groupName, staffRole: input.staffRole }, update: { staffRole: input.staffRole } });
    await recordAudit(tx, actor, {
      action: 'staff_sso.group_role_set',
      target: { type: 'staff_sso_group_role', id: row.id },
      ...(before ? { before: { groupName: before.groupName, staffRole: before.staffRole } } : {}),
      after: { groupName: row.groupName, staffRole: row.staffRole },
    });
    return row;
  });
}

export const staffGroupRoleIdSchema = z.object({ id: z.string().trim().min(1).max(64) });

export async function removeStaffGroupRole(actor: Actor, raw: z.input<typeof staffGroupRoleIdSchema>) {
  assertStaffPermission(actor, CONFIGURE);
  const { id } = staffGroupRoleIdSchema.parse(raw);
  await prisma.$transaction(async (tx) => {
    const row = await tx.staffSsoGroupRole.findUnique({ where: { id } });
    if (!row) throw new NotFoundError('That group mapping does not exist (any more).');
    await tx.staffSsoGroupRole.delete({ where: { id } });
    await recordAudit(tx, actor, { action: 'staff_sso.group_role_remove', target: { type: 'staff_sso_group_role', id }, before: { groupName: row.groupName, staffRole: row.staffRole } });
  });
}

/** The highest staff role the IdP's groups map to, or null. */
export async function staffRoleForGroups(db: Db, groups: string[]): Promise<{ role: StaffRole; group: string } | null> {
  if (groups.length === 0) return null;
  const rows = await db.staffSsoGroupRole.findMany({ where: { groupName: { in: groups } }, orderBy: { groupName: 'asc' } });
  const rank = (role: string) => (role === 'staff-admin' ? 3 : role === 'staff-support' ? 2 : role === 'staff-billing' ? 1 : 0);
  let best: { role: StaffRole; group: string } | null = null;
  for (const row of rows) {
    if (!Object.hasOwn(STAFF_ROLES, row.staffRole)) continue;
    if (!best || rank(row.staffRole) > rank(best.role)) best = { role: row.staffRole as StaffRole, group: row.groupName };
  }
  return best;
}
