import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import { prisma, type Db } from '@/lib/platform/db/client';
import { sqlTimestamp, type Sql } from '@/lib/platform/db/sql';
import { NotFoundError, UnauthorizedError } from '@/lib/platform/errors';
import { markOwnerSignedIn } from '@/lib/identity/onboarding/items';
import { isStaffRole } from '@/lib/identity/rbac/permissions';
import type { Actor } from './actor';
import { deviceLabel } from './device-label';
import type { SessionMembership, SessionUser } from './session-user';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * Sessions you can end. Each sign-in creates a `sessions` row; the session
 * cookie (a next-auth JWT) carries only its id. Every request loads the
 * user through that row in one statement (`loadSession`), so a row that has
 * ended, expired, or whose user was disabled signs the browser out on its
 * next request, wherever the cookie is. A session lives SESSION_MAX_AGE_HOURS
 * (default 12) from sign-in, activity or not.
 *
 * Ending: sign-out ends its own row; a person ends one of their sessions,
 * all others, or all (on /account); a password reset ends them all, a
 * password change all others; removal from one's last organization and staff
 * deactivation end them all, and so does a staff-admin resetting their MFA. Each is audited in the transaction that ends
 * the rows.
 */

export type SessionEndReason = 'sign_out' | 'ended_by_user' | 'password_reset' | 'password_change' | 'removed' | 'deactivated' | 'account_deleted' | 'mfa_reset';

/** `last_seen_at` is written at most this often per session, so a busy browser costs no write per request. */
export const SESSION_TOUCH_SECONDS = 60;

export function sessionMaxAgeSeconds(source?: EnvSource): number {
  return Math.round(env('SESSION_MAX_AGE_HOURS', source) * 60 * 60);
}

export const SESSION_MAX_AGE_SECONDS = sessionMaxAgeSeconds();

/**
 * Starts a session for a user who has just proved who they are, inside the
 * transaction that records the sign-in. `actor` is that user (with the
 * request's address and user agent, which the row keeps for the list).
 */
export async function startSession(tx: Db, actor: Actor, input: { authMethod: string; mfaMethod?: string | null }, now = new Date()): Promise<{ id: string; expiresAt: Date }> {
  const userId = signedIn(actor);
  const expiresAt = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  const row = await tx.session.create({
    data: {
      userId,
      authMethod: input.authMethod,
      mfaMethod: input.mfaMethod ?? null,
      ip: actor.ip?.slice(0, 64) ?? null,
      userAgent: actor.userAgent?.slice(0, 512) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
    },
    select: { id: true },
  });
  await recordAudit(tx, actor, {
    action: 'auth.session_start',
    target: { type: 'user', id: userId },
    metadata: { sessionId: row.id, method: input.authMethod, ...(input.mfaMethod ? { mfa: input.mfaMethod } : {}) },
  });
  // Every sign-in (password or SSO) starts here: an owner's first one ticks their org's onboarding checklist.
  await markOwnerSignedIn(tx, actor, userId);
  return { id: row.id, expiresAt };
}

type SessionRow = {
  id: string;
  email: string;
  name: string | null;
  staff_role: string | null;
  auth_method: string;
  mfa_method: string | null;
  mfa_enrolled: boolean;
  memberships: SessionMembership[] | string;
};

/**
 * The signed-in user of a session, or null when the session has ended or
 * expired, or its user is gone or disabled. One statement: it checks the
 * row, refreshes `last_seen_at` when it is over a minute old, and reads the
 * user with their memberships (of organizations not deactivated).
 */
export async function loadSession(db: Sql, sessionId: string, now = new Date()): Promise<SessionUser | null> {
  const at = sqlTimestamp(now);
  const rows = await db.$queryRaw<SessionRow[]>`
    WITH live AS (
      SELECT id, user_id, auth_method, mfa_method, last_seen_at FROM sessions
      WHERE id = ${sessionId} AND ended_at IS NULL AND expires_at > ${at}::timestamp
    ), touched AS (
      UPDATE sessions SET last_seen_at = ${at}::timestamp FROM live
      WHERE sessions.id = live.id AND live.last_seen_at <= ${at}::timestamp - make_interval(secs => ${SESSION_TOUCH_SECONDS})
      RETURNING sessions.id
    )
    SELECT u.id, u.email, u.name, u.staff_role, live.auth_method, live.mfa_method,
      EXISTS (SELECT 1 FROM user_mfa f WHERE f.user_id = u.id AND f.enabled_at IS NOT NULL) AS mfa_enrolled,
      COALESCE((
        SELECT json_agg(json_build_object('orgId', m.org_id, 'orgSlug', o.slug, 'orgName', o.name, 'role', m.role, 'customRoleId', m.custom_role_id)
                        ORDER BY m.created_at, m.id)
        FROM memberships m JOIN organizations o ON o.id = m.org_id
        WHERE m.user_id = u.id AND o.status <> 'deactivated'
      ), '[]'::json) AS memberships
    FROM live JOIN users u ON u.id = live.user_id
    WHERE u.disabled_at IS NULL`;
  const row = rows[0];
  if (!row) return null;
  const memberships = typeof row.memberships === 'string' ? (JSON.parse(row.memberships) as SessionMembership[]) : row.memberships;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    staffRole: isStaffRole(row.staff_role) ? row.staff_role : null,
    authMethod: row.auth_method,
    sessionId,
    mfaEnrolled: row.mfa_enrolled === true,
    mfaMethod: row.mfa_method,
    memberships,
  };
}

function signedIn(actor: Actor): string {
  if (actor.kind !== 'user' || !actor.userId) throw new UnauthorizedError();
  return actor.userId;
}

export interface SessionSummary {
  id: string;
  device: string;
  ip: string | null;
  authMethod: string;
  /** The second factor checked when it started (totp, recovery_code), or null. */
  mfaMethod: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** The signed-in person's live sessions, the one making this request first, then by last use. */
export async function listSessions(actor: Actor, now = new Date()): Promise<SessionSummary[]> {
  const userId = signedIn(actor);
  const rows = await prisma.session.findMany({
    where: { userId, endedAt: null, expiresAt: { gt: now } },
    orderBy: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
    take: 100,
  });
  return rows
    .map((row) => ({
      id: row.id,
      device: deviceLabel(row.userAgent),
      ip: row.ip,
      authMethod: row.authMethod,
      mfaMethod: row.mfaMethod,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      current: row.id === actor.sessionId,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

/**
 * Ends `userId`'s live sessions (all, or all but `except`) inside `tx`, the
 * transaction that makes the change calling for it, and audits which ended
 * and why. Returns the ids it ended.
 */
export async function endUserSessions(
  tx: Db,
  actor: Actor,
  userId: string,
  reason: SessionEndReason,
  options: { except?: string | null; only?: string } = {},
  now = new Date(),
): Promise<string[]> {
  const ended = await tx.session.updateManyAndReturn({
    where: {
      userId,
      endedAt: null,
      expiresAt: { gt: now },
      ...(options.only ? { id: options.only } : options.except ? { id: { not: options.except } } : {}),
    },
    data: { endedAt: now, endedReason: reason },
    select: { id: true },
  });
  const sessionIds = ended.map((row) => row.id);
  if (sessionIds.length > 0) {
    await recordAudit(tx, actor, { action: 'auth.session_end', target: { type: 'user', id: userId }, metadata: { reason, sessionIds } });
  }
  return sessionIds;
}

export const endSessionSchema = z.object({ sessionId: z.string().trim().min(1, 'Choose a session.').max(64) });

/** The signed-in person ends one of their own sessions (another person's id is "not found"). */
export async function endSession(actor: Actor, input: z.input<typeof endSessionSchema>) {
  const userId = signedIn(actor);
  const data = endSessionSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const ended = await endUserSessions(tx, actor, userId, 'ended_by_user', { only: data.sessionId });
    if (ended.length === 0) throw new NotFoundError('That session has already ended.');
    return { ended: ended.length, current: data.sessionId === actor.sessionId };
  });
}

/** Ends every session of the signed-in person but the one making the request, or all of them. */
export async function endAllSessions(actor: Actor, options: { includeCurrent: boolean }) {
  const userId = signedIn(actor);
  return prisma.$transaction(async (tx) => {
    const ended = await endUserSessions(tx, actor, userId, 'ended_by_user', { except: options.includeCurrent ? null : actor.sessionId });
    return { ended: ended.length };
  });
}

/** Sign-out: ends the session the cookie names (next-auth's signOut event), audited as auth.sign_out. */
export async function signOutSession(sessionId: string, request: { ip?: string | null; userAgent?: string | null; requestId?: string | null } = {}, now = new Date()) {
  return prisma.$transaction(async (tx) => {
    const [ended] = await tx.session.updateManyAndReturn({
      where: { id: sessionId, endedAt: null },
      data: { endedAt: now, endedReason: 'sign_out' },
      select: { userId: true },
    });
    if (!ended) return false;
    const user = await tx.user.findUnique({ where: { id: ended.userId }, select: { email: true, staffRole: true } });
    const actor: Actor = {
      kind: 'user',
      userId: ended.userId,
      label: user?.email ?? ended.userId,
      staffRole: isStaffRole(user?.staffRole) ? user.staffRole : null,
      ip: request.ip ?? null,
      userAgent: request.userAgent ?? null,
      requestId: request.requestId ?? null,
      sessionId,
    };
    await recordAudit(tx, actor, { action: 'auth.sign_out', target: { type: 'user', id: ended.userId }, metadata: { sessionId } });
    return true;
  });
}
