import path from 'node:path';
import type { SessionUser } from '@/lib/identity/auth/session-user';
import { prisma } from '@/lib/platform/db/client';
import { isStaffRole } from '@/lib/identity/rbac/permissions';
import type { EntryPoint } from './discover';

/** What the sweeps share to call server actions and route handlers the way Next.js does. */

export type Fields = Record<string, string | string[]>;

export function toFormData(fields: Fields): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  return form;
}

/** Where a `redirect()` thrown by an action goes, or null for any other error. */
export function redirectTarget(error: unknown): string | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest === 'string' && digest.startsWith('NEXT_REDIRECT')) return digest.split(';')[2] ?? '';
  return null;
}

const modules = new Map<string, Record<string, unknown>>();

/** The exported function an entry point names, imported from the source file. */
export async function loadEntryPoint(root: string, entry: EntryPoint): Promise<unknown> {
  if (!modules.has(entry.file)) modules.set(entry.file, (await import(/* @vite-ignore */ path.join(root, entry.file))) as Record<string, unknown>);
  return modules.get(entry.file)![entry.name];
}

// ── a signed-in user, through the real session code ─────────────────────────
let currentUser: SessionUser | null = null;

/**
 * next-auth's module as the sweeps mock it: `auth()` answers the user `asUser`
 * set, so currentActor, currentStaffActor and requirePortalPage run as they do.
 *   vi.mock('@/lib/identity/auth/config', async () => (await import('./harness')).mockedAuthConfig());
 */
export async function mockedAuthConfig() {
  const { redirect } = await import('next/navigation');
  return {
    auth: async () => (currentUser ? { user: currentUser } : null),
    signIn: async (_provider: string, options: { redirectTo?: string }) => redirect(options.redirectTo ?? '/'),
    signOut: async () => redirect('/sign-in'),
    handlers: {},
  };
}

/**
 * The session user as lib/identity/auth/sessions.ts loadSession reads it, without a
 * sessions row: starting one is audited and touching it writes, and the
 * sweeps compare digests of the whole database around each call.
 */
async function sessionUserOf(userId: string): Promise<SessionUser | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    include: { mfa: { select: { enabledAt: true } }, memberships: { where: { org: { status: { not: 'deactivated' } } }, include: { org: { select: { slug: true, name: true } } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  if (!user || user.disabledAt) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    staffRole: isStaffRole(user.staffRole) ? user.staffRole : null,
    authMethod: 'password',
    sessionId: `sweep-${user.id}`,
    mfaEnrolled: !!user.mfa?.enabledAt,
    mfaMethod: user.mfa?.enabledAt ? 'totp' : null,
    memberships: user.memberships.map((m) => ({ orgId: m.orgId, orgSlug: m.org.slug, orgName: m.org.name, role: m.role, customRoleId: m.customRoleId })),
  };
}

/** Runs `run` signed in as the user, or signed out for null. */
export async function asUser<T>(userId: string | null, run: () => Promise<T>): Promise<T> {
  currentUser = userId ? await sessionUserOf(userId) : null;
  if (userId && !currentUser) throw new Error(`user ${userId} has no session`);
  try {
    return await run();
  } finally {
    currentUser = null;
  }
}
