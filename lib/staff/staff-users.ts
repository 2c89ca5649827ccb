import { z } from 'zod';
import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import { hashNewPassword, newPasswordField } from '@/lib/auth/password-policy';
import { prisma } from '@/lib/db/client';
import { ConflictError } from '@/lib/errors';
import { assertStaffPermission } from '@/lib/rbac/authorize';
import { STAFF_ROLE_KEYS, type StaffRole } from '@/lib/rbac/permissions';

export const createStaffSchema = z.object({
  email: z.string().trim().toLowerCase().email('Enter a valid email address.').max(320),
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
  return prisma.user.findMany({
    where: { staffRole: { not: null } },
    orderBy: { email: 'asc' },
    select: { id: true, email: true, name: true, staffRole: true, lastLoginAt: true, disabledAt: true, createdAt: true },
  });
}
