import 'server-only';
import { z } from 'zod';
import { emailField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { hashNewPassword, newPasswordField } from '@/lib/identity/auth/password-policy';
import { endUserSessions } from '@/lib/identity/auth/sessions';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError } from '@/lib/platform/errors';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { STAFF_ROLE_KEYS, type StaffRole } from '@/lib/identity/rbac/permissions';

export const createStaffSchema = z.object({
  email: emailField(),
  name: z.string().trim().min(1).max(120).optional(),
  role: z.enum(STAFF_ROLE_KEYS as [StaffRole, ...StaffRole[]]),
  password: newPasswordField,
});

/** Vendor staff accounts (the first one is created with `portcullis staff create`). */
export async function createStaffUser(actor: Actor, input: z.input<typeof createStaffSchema>) {
  assertStaffPermission(actor, 'staff.manage');
  const data = createStaffSchema.parse(input);
  const passwordHash = await hashNewPassword(data.password, data);
  return prisma.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email: data.email } })) {
      throw new ConflictError(`A user with the email ${data.email} already exists.`, 'email');
    }
    const user = await tx.user.create({ data: { email: data.email, name: data.name, staffRole: data.role, passwordHash } });
    await recordAudit(tx, actor, { action: 'staff.create', target: { type: 'user', id: user.id }, after: user });
    return user;
  });
}

export async function listStaffUsers(actor: Actor) {
  assertStaffPermission(actor, 'staff.manage');
  const rows = await prisma.user.findMany({
    where: { staffRole: { not: null } },
    orderBy: { email: 'asc' },
    select: { id: true, email: true, name: true, staffRole: true, lastLoginAt: true, disabledAt: true, createdAt: true, mfa: { select: { enabledAt: true } } },
  });
  return rows.map(({ mfa, ...row }) => ({ ...row, mfaEnabledAt: mfa?.enabledAt ?? null }));
}

export const staffAccountSchema = z.object({ email: emailField() });

async function findStaffAccount(tx: Db, email: string) {
  const user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true, staffRole: true, disabledAt: true } });
  if (!user?.staffRole) throw new NotFoundError(`No staff account with the email ${email}.`);
  return user;
}

/**
 * A staff-admin deactivates a staff account: it cannot sign in, and its
 * sessions end at once. Never yourself, and never the last active
 * staff-admin (their rows are locked, so two admins deactivating each
 * other at once leave one).
 */
export async function deactivateStaffUser(actor: Actor, input: z.input<typeof staffAccountSchema>, now = new Date()) {
  assertStaffPermission(actor, 'staff.manage');
  const { email } = staffAccountSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const admins = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM users WHERE staff_role = 'staff-admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE`;
    const user = await findStaffAccount(tx, email);
    if (user.disabledAt) throw new ConflictError(`${user.email} is already deactivated.`);
    if (user.id === actor.userId) throw new ConflictError('You cannot deactivate your own account.');
    if (user.staffRole === 'staff-admin' && admins.length <= 1) {
      throw new ConflictError(`${user.email} is the last active staff admin. Make someone else a staff admin first.`);
    }
    const updated = await tx.user.update({ where: { id: user.id }, data: { disabledAt: now }, select: { id: true, email: true, staffRole: true, disabledAt: true } });
    await recordAudit(tx, actor, { action: 'staff.deactivate', target: { type: 'user', id: user.id }, before: { disabledAt: null }, after: { email: user.email, disabledAt: now } });
    const ended = await endUserSessions(tx, actor, user.id, 'deactivated', {}, now);
    return { user: updated, sessionsEnded: ended.length };
  });
}

/** Lets a deactivated staff account sign in again. */
export async function reactivateStaffUser(actor: Actor, input: z.input<typeof staffAccountSchema>) {
  assertStaffPermission(actor, 'staff.manage');
  const { email } = staffAccountSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const user = await findStaffAccount(tx, email);
    if (!user.disabledAt) throw new ConflictError(`${user.email} is active.`);
    const updated = await tx.user.update({ where: { id: user.id }, data: { disabledAt: null }, select: { id: true, email: true, staffRole: true, disabledAt: true } });
    await recordAudit(tx, actor, { action: 'staff.reactivate', target: { type: 'user', id: user.id }, before: { disabledAt: user.disabledAt }, after: { email: user.email, disabledAt: null } });
    return updated;
  });
}
