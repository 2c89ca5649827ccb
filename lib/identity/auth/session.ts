import 'server-only';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { UnauthorizedError } from '@/lib/platform/errors';
import { customerOrganization, type CustomerOrganization } from '@/lib/identity/audit/customer-view';
import { assertStaffPermission, authorizeOrg, hasStaffPermission, type OrgAccess } from '@/lib/identity/rbac/authorize';
import type { OrgPermission, StaffPermission } from '@/lib/identity/rbac/permissions';
import { prisma } from '@/lib/platform/db/client';
import type { Actor } from './actor';
import { MFA_ENROLMENT_PATH, MfaRequiredError, satisfiesStaffMfa } from './mfa-policy';
import { auth } from './config';
import { clientIp } from './request';
import type { SessionUser } from './session-user';

/**
 * The signed-in user for this request, or null. Cached per request. Throws
 * when the session could not be read (the database is down): a stalled
 * database must answer with an error, never by signing everyone out.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  if (session?.unavailable) throw new Error('The session store did not answer.');
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
    session: { authMethod: user.authMethod, mfaEnrolled: user.mfaEnrolled },
  };
}

/** The actor for a server action or route handler; throws when signed out. */
export async function currentActor(): Promise<Actor> {
  const user = await getSessionUser();
  if (!user) throw new UnauthorizedError();
  return actorFor(user, await headers());
}

/**
 * The actor for a staff-only server action or route handler (everything in
 * app/(admin)): signed out is 401, anyone without the staff permission 403,
 * before the request's ids are read, so the answer never depends on them.
 */
export async function currentStaffActor(permission: StaffPermission): Promise<Actor> {
  const actor = await currentActor();
  assertStaffPermission(actor, permission);
  return actor;
}

function signInUrl(next: string): string {
  return `/sign-in?callbackUrl=${encodeURIComponent(next)}`;
}

/** For (admin) pages: staff only. Customers who wander in are sent to their portal. */
export async function requireStaffPage(next = '/admin', permission?: StaffPermission): Promise<{ user: SessionUser; actor: Actor }> {
  const user = await getSessionUser();
  if (!user) redirect(signInUrl(next));
  if (!user.staffRole) redirect('/portal');
  if (!satisfiesStaffMfa(user)) redirect(MFA_ENROLMENT_PATH);
  const actor = actorFor(user, await headers());
  // A page the staff role does not include: the admin's not-found page (404), never an error page.
  if (permission && !hasStaffPermission(actor, permission)) notFound();
  return { user, actor };
}

/** What a portal page knows of the org: the fields its members may see (staff notes and the manual tier stay out). */
export type PortalAccess = Omit<OrgAccess, 'org'> & { org: CustomerOrganization };

/** For (portal) pages: a member of the org (or staff), holding `permission` when given. */
export async function requirePortalPage(
  slug: string,
  permission?: OrgPermission,
): Promise<{ user: SessionUser; actor: Actor; access: PortalAccess }> {
  const user = await getSessionUser();
  if (!user) redirect(signInUrl(`/portal/${slug}`));
  const actor = actorFor(user, await headers());
  try {
    const access = await authorizeOrg(prisma, actor, { slug }, { org: permission, staff: 'customers.view' });
    return { user, actor, access: { ...access, org: customerOrganization(access.org) } };
  } catch (error) {
    if (error instanceof MfaRequiredError) redirect(MFA_ENROLMENT_PATH);
    notFound();
  }
}
