import 'server-only';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { UnauthorizedError } from '@/lib/errors';
import { authorizeOrg, type OrgAccess } from '@/lib/rbac/authorize';
import type { OrgPermission } from '@/lib/rbac/permissions';
import { prisma } from '@/lib/db/client';
import type { Actor } from './actor';
import { auth } from './config';
import { clientIp } from './request';
import type { SessionUser } from './session-user';

/** The signed-in user for this request, or null. Cached per request. */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  return session?.user?.id ? session.user : null;
});

export function actorFor(user: SessionUser, requestHeaders: Headers): Actor {
  return {
    kind: 'user',
    userId: user.id,
    label: user.email,
    staffRole: user.staffRole,
    ip: clientIp(requestHeaders),
    userAgent: requestHeaders.get('user-agent'),
    requestId: requestHeaders.get('x-request-id'),
    sessionId: user.sessionId,
  };
}

/** The actor for a server action or route handler; throws when signed out. */
export async function currentActor(): Promise<Actor> {
  const user = await getSessionUser();
  if (!user) throw new UnauthorizedError();
  return actorFor(user, await headers());
}

function signInUrl(next: string): string {
  return `/sign-in?callbackUrl=${encodeURIComponent(next)}`;
}

/** For (admin) pages: staff only. Customers who wander in are sent to their portal. */
export async function requireStaffPage(next = '/admin'): Promise<{ user: SessionUser; actor: Actor }> {
  const user = await getSessionUser();
  if (!user) redirect(signInUrl(next));
  if (!user.staffRole) redirect('/portal');
  return { user, actor: actorFor(user, await headers()) };
}

/** For (portal) pages: a member of the org (or staff), holding `permission` when given. */
export async function requirePortalPage(
  slug: string,
  permission?: OrgPermission,
): Promise<{ user: SessionUser; actor: Actor; access: OrgAccess }> {
  const user = await getSessionUser();
  if (!user) redirect(signInUrl(`/portal/${slug}`));
  const actor = actorFor(user, await headers());
  try {
    const access = await authorizeOrg(prisma, actor, { slug }, { org: permission, staff: 'customers.view' });
    return { user, actor, access };
  } catch {
    notFound();
  }
}
