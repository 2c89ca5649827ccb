import { randomUUID } from 'node:crypto';
import type { Actor } from '@/lib/identity/auth/actor';
import { storeConfirmedTotp } from '@/lib/identity/auth/mfa';
import { newTotpSecret } from '@/lib/identity/auth/totp';
import { prisma } from '@/lib/platform/db/client';
import type { StaffRole } from '@/lib/identity/rbac/permissions';

/** Test data with random names, so tests never share rows and need no cleanup. */
export function uniqueSlug(prefix = 'org'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createOrg(overrides: Partial<{ name: string; slug: string; tier: string; status: string; contactEmail: string }> = {}) {
  const slug = overrides.slug ?? uniqueSlug();
  return prisma.organization.create({
    data: { name: overrides.name ?? `Org ${slug}`, slug, contactEmail: `ops@${slug}.test`, tier: 'team', ...overrides },
  });
}

export async function createUser(overrides: Partial<{ email: string; name: string; staffRole: StaffRole | null; passwordHash: string | null }> = {}) {
  return prisma.user.create({
    data: { email: overrides.email ?? `${uniqueSlug('user')}@example.test`, name: overrides.name ?? 'Test User', ...overrides },
  });
}

export async function createMember(orgId: string, role: string, customRoleId?: string) {
  const user = await createUser();
  const membership = await prisma.membership.create({ data: { userId: user.id, orgId, role, customRoleId } });
  return { user, membership, actor: userActor(user) };
}

/** Turns MFA on for a user with a fresh TOTP secret (returned, for computing codes) and, optionally, recovery codes. */
export async function enrolMfa(userId: string) {
  const secret = newTotpSecret();
  await prisma.$transaction((tx) => storeConfirmedTotp(tx, userId, secret));
  return { secret };
}

export async function createStaff(staffRole: StaffRole) {
  const user = await createUser({ staffRole });
  return { user, actor: userActor(user) };
}

export function userActor(user: { id: string; email: string; staffRole: string | null }): Actor {
  return {
    kind: 'user',
    userId: user.id,
    label: user.email,
    staffRole: (user.staffRole as StaffRole | null) ?? null,
    ip: '203.0.113.7',
    userAgent: 'vitest',
  };
}
