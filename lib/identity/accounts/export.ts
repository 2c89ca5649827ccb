import 'server-only';
import { auditEventFor } from '@/lib/identity/audit/customer-view';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { deviceLabel } from '@/lib/identity/auth/device-label';
import { prisma } from '@/lib/platform/db/client';
import { resolvedOf } from '@/lib/identity/rbac/role-ref';
import { ownAccount } from './reauth';

/** At most this many of one's own audit events go into an export (newest kept). */
export const EXPORT_AUDIT_LIMIT = 10_000;

/**
 * What Portcullis holds about the signed-in person, as JSON they download
 * from /account: profile, memberships, sessions, sign-in addresses, SSO
 * links and the audit events they caused. Nothing secret (no password
 * hash, session or proof ids, tokens) and nothing of other people: an event
 * about someone or something else keeps what happened, when and where, but
 * not its details (which may name others); details of events about the
 * person themselves are shown as customers see audit events (staff see
 * theirs as recorded). The download itself is audited.
 */
export async function exportOwnData(actor: Actor, now = new Date()) {
  const user = await ownAccount(actor);
  const [memberships, sessions, addresses, identities, events] = await Promise.all([
    prisma.membership.findMany({
      where: { userId: user.id },
      select: {
        role: true,
        customRoleId: true,
        createdAt: true,
        customRole: { select: { name: true, permissions: true } },
        org: { select: { name: true, slug: true } },
        teams: { select: { team: { select: { name: true } } } },
      },
      orderBy: { createdAt: 'asc' },
    }),
    prisma.session.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' } }),
    prisma.signInAddress.findMany({ where: { userId: user.id }, orderBy: { lastSeenAt: 'asc' } }),
    prisma.ssoIdentity.findMany({ where: { userId: user.id }, select: { subject: true, createdAt: true } }),
    prisma.auditEvent.findMany({ where: { actorId: user.id }, orderBy: { id: 'desc' }, take: EXPORT_AUDIT_LIMIT }),
  ]);
  const orgSlugs = new Map((await prisma.organization.findMany({ where: { id: { in: [...new Set(events.map((e) => e.orgId).filter((id): id is string => !!id))] } }, select: { id: true, slug: true } })).map((o) => [o.id, o.slug]));
  const audience = user.staffRole ? 'staff' : 'customer';
  const data = {
    exportedAt: now.toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      name: user.name,
      staffRole: user.staffRole,
      hasPassword: !!user.passwordHash,
      createdAt: user.createdAt,
      lastSignInAt: user.lastLoginAt,
    },
    memberships: memberships.map((m) => ({
      organization: m.org.name,
      slug: m.org.slug,
      role: resolvedOf({ role: m.role, customRoleId: m.customRoleId, customRole: m.customRole }).label,
      joinedAt: m.createdAt,
      teams: m.teams.map((link) => link.team.name),
    })),
    sessions: sessions.map((s) => ({
      device: deviceLabel(s.userAgent),
      userAgent: s.userAgent,
      ip: s.ip,
      method: s.authMethod,
      startedAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      expiresAt: s.expiresAt,
      endedAt: s.endedAt,
      endedReason: s.endedReason,
    })),
    signInAddresses: addresses.map((a) => ({ address: a.address, lastSeenAt: a.lastSeenAt })),
    ssoIdentities: identities.map((i) => ({ subject: i.subject, linkedAt: i.createdAt })),
    auditEvents: events.reverse().map((event) => {
      const aboutThem = event.targetType === 'user' && event.targetId === user.id;
      const shown = auditEventFor(audience, event);
      return {
        occurredAt: event.occurredAt,
        action: event.action,
        target: event.targetType,
        organization: event.orgId ? (orgSlugs.get(event.orgId) ?? null) : null,
        ip: event.ip,
        userAgent: event.userAgent,
        ...(aboutThem ? { before: shown.before, after: shown.after, metadata: withoutIds(shown.metadata) } : {}),
      };
    }),
  };
  await prisma.$transaction((tx) =>
    recordAudit(tx, actor, { action: 'account.data_export', target: { type: 'user', id: user.id }, metadata: { auditEvents: events.length, memberships: memberships.length } }),
  );
  return data;
}

/** Session and proof ids name live credentials' rows: not needed to read one's history. */
function withoutIds(metadata: unknown): unknown {
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return metadata;
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !/^(sessionId|sessionIds|mailboxProofId)$/.test(key)));
}
