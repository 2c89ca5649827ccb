import 'server-only';
import { z } from 'zod';
import { emailField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { checkMailboxCode, issueMailboxProof, useMailboxProof } from '@/lib/identity/auth/mailbox-proof';
import { hashNewPassword, newPasswordField } from '@/lib/identity/auth/password-policy';
import { ssoRequiredFor } from '@/lib/identity/auth/sign-in';
import { publicUrl } from '@/lib/platform/config/public-url';
import { generateSecret, keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma, type Db, type Prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { sendMail } from '@/lib/platform/mail/send';
import { markOnboardingItem } from '@/lib/identity/onboarding/items';
import { assertCanGrant } from '@/lib/identity/rbac/grants';
import { resolvedOf, resolveRoleRef, roleRefString } from '@/lib/identity/rbac/role-ref';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { authorizePeople } from './access';
import { invitationCodeMail, invitationMail } from './invitation-mail';
import { assertSeatAvailable } from './seats';
import { DAY } from '@/lib/platform/time';

/**
 * Invitations: a link with a single-use token (`pci_` + 256 random bits),
 * stored only as its keyed hash, valid for INVITATION_DAYS. Accepting it
 * creates the membership with the invitation's role; the invited address must
 * be the accepting user's (a forwarded link is useless to anyone else).
 *
 * The link alone never creates an account: the inviter sees it too. Someone
 * new proves the invited mailbox with a code mailed to it
 * (lib/identity/auth/mailbox-proof.ts) before their password account is created; a
 * signed-in user with the invited address needs no further proof.
 */

export const INVITATION_DAYS = 7;
export const INVITATION_PREFIX = 'pci_';
const TOKEN_PATTERN = /^pci_[0-9A-Za-z]{43}$/;

export function invitationLink(token: string): string {
  return `${publicUrl()}/invite/${token}`;
}

const emailSchema = emailField();

export const inviteSchema = z.object({
  orgId: z.string().min(1),
  email: emailSchema,
  role: z.string().trim().min(1, 'Choose a role.'),
});

const invitationSelect = {
  id: true,
  orgId: true,
  email: true,
  role: true,
  customRoleId: true,
  expiresAt: true,
  acceptedAt: true,
  revokedAt: true,
  createdAt: true,
  customRole: { select: { name: true, permissions: true } },
  invitedBy: { select: { email: true, name: true } },
} as const;
type InvitationRow = Prisma.InvitationGetPayload<{ select: typeof invitationSelect }>;

export type InvitationStatus = 'pending' | 'expired' | 'accepted' | 'revoked';

function statusOf(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }, now: Date): InvitationStatus {
  if (row.acceptedAt) return 'accepted';
  if (row.revokedAt) return 'revoked';
  return row.expiresAt <= now ? 'expired' : 'pending';
}

function publicInvitation(row: InvitationRow, now = new Date()) {
  return {
    id: row.id,
    email: row.email,
    roleRef: roleRefString(row),
    roleLabel: resolvedOf(row).label,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    invitedBy: row.invitedBy?.name ?? row.invitedBy?.email ?? null,
    status: statusOf(row, now),
  };
}
export type InvitationSummary = ReturnType<typeof publicInvitation>;

/** Open invitations (pending and expired, so they can be resent), newest first. */
export async function listInvitations(actor: Actor, orgId: string, now = new Date()) {
  const access = await authorizePeople(prisma, actor, orgId, 'members.view');
  const rows = await prisma.invitation.findMany({
    where: { orgId: access.org.id, acceptedAt: null, revokedAt: null },
    select: invitationSelect,
    orderBy: { createdAt: 'desc' },
    take: 200,
  });
  return rows.map((row) => publicInvitation(row, now));
}

/** Every invitation of the org, whatever became of it (accepted, withdrawn too), newest first: the staff view. */
export async function listInvitationHistory(actor: Actor, orgId: string, now = new Date()) {
  const access = await authorizePeople(prisma, actor, orgId, 'members.view');
  const rows = await prisma.invitation.findMany({ where: { orgId: access.org.id }, select: invitationSelect, orderBy: { createdAt: 'desc' }, take: 100 });
  return rows.map((row) => publicInvitation(row, now));
}

async function mailInvitation(actor: Actor, row: InvitationRow, orgName: string, token: string) {
  const mail = invitationMail({
    to: row.email,
    orgName,
    inviter: actor.label.startsWith('cli:') || actor.label.startsWith('system:') ? `The ${orgName} administrators` : actor.label,
    roleLabel: resolvedOf(row).label,
    link: invitationLink(token),
    expiresAt: row.expiresAt,
  });
  return (await sendMail(mail)).sent;
}

/**
 * Invites `email` with `role`. Re-inviting an address that has an open
 * invitation replaces it (the old link stops working). The result carries
 * the link once, for the inviter to share if the email does not arrive.
 */
export async function createInvitation(actor: Actor, input: z.input<typeof inviteSchema>, now = new Date()) {
  const data = inviteSchema.parse(input);
  const token = generateSecret(INVITATION_PREFIX, 32);
  const { row, orgName } = await prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'members.invite', { write: true, lock: true });
    const org = access.org;
    if (org.status !== 'active') throw new ConflictError(`${org.name} is ${org.status}; people cannot be invited.`);
    const role = await resolveRoleRef(tx, org.id, data.role);
    assertCanGrant(access.granter, role);
    const existingMember = await tx.membership.findFirst({ where: { orgId: org.id, user: { email: data.email } }, select: { id: true } });
    if (existingMember) throw new ConflictError(`${data.email} is already a member of ${org.name}.`, 'email');
    const replaced = await tx.invitation.findMany({
      where: { orgId: org.id, email: data.email, acceptedAt: null, revokedAt: null },
      select: { id: true },
    });
    if (replaced.length > 0) {
      await tx.invitation.updateMany({ where: { id: { in: replaced.map((r) => r.id) } }, data: { revokedAt: now } });
    }
    await assertSeatAvailable(tx, org.id, 1, now);
    const created = await tx.invitation.create({
      data: {
        orgId: org.id,
        email: data.email,
        role: role.role,
        customRoleId: role.customRoleId,
        tokenHash: keyedHash(token),
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * DAY),
        invitedById: actor.userId,
      },
      select: invitationSelect,
    });
    await recordAudit(tx, actor, {
      action: 'member.invite',
      target: { type: 'invitation', id: created.id },
      orgId: org.id,
      after: { email: created.email, role: roleRefString(created), roleLabel: role.label, expiresAt: created.expiresAt },
      metadata: replaced.length > 0 ? { replaces: replaced.map((r) => r.id) } : undefined,
    });
    return { row: created, orgName: org.name };
  });
  const mailed = await mailInvitation(actor, row, orgName, token);
  return { invitation: publicInvitation(row, now), link: invitationLink(token), mailed };
}

export const invitationRefSchema = z.object({
  orgId: z.string().min(1),
  invitationId: z.string().min(1),
});

async function findOpenInvitation(tx: Db, orgId: string, invitationId: string) {
  const row = await tx.invitation.findFirst({ where: { id: invitationId, orgId, acceptedAt: null, revokedAt: null }, select: invitationSelect });
  if (!row) throw new NotFoundError('Invitation not found');
  return row;
}

/** A fresh link and expiry for an open invitation; the previous link stops working. */
export async function resendInvitation(actor: Actor, input: z.input<typeof invitationRefSchema>, now = new Date()) {
  const data = invitationRefSchema.parse(input);
  const token = generateSecret(INVITATION_PREFIX, 32);
  const { row, orgName } = await prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'members.invite', { write: true, lock: true });
    const existing = await findOpenInvitation(tx, access.org.id, data.invitationId);
    assertCanGrant(access.granter, resolvedOf(existing));
    // An expired invitation gave its seat back; renewing it takes one again.
    await assertSeatAvailable(tx, access.org.id, existing.expiresAt <= now ? 1 : 0, now);
    const updated = await tx.invitation.update({
      where: { id: existing.id },
      data: { tokenHash: keyedHash(token), expiresAt: new Date(now.getTime() + INVITATION_DAYS * DAY), invitedById: actor.userId ?? undefined },
      select: invitationSelect,
    });
    await recordAudit(tx, actor, {
      action: 'member.invitation_resend',
      target: { type: 'invitation', id: existing.id },
      orgId: access.org.id,
      before: { expiresAt: existing.expiresAt },
      after: { email: updated.email, expiresAt: updated.expiresAt },
    });
    return { row: updated, orgName: access.org.name };
  });
  const mailed = await mailInvitation(actor, row, orgName, token);
  return { invitation: publicInvitation(row, now), link: invitationLink(token), mailed };
}

export async function revokeInvitation(actor: Actor, input: z.input<typeof invitationRefSchema>, now = new Date()) {
  const data = invitationRefSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const access = await authorizePeople(tx, actor, data.orgId, 'members.invite', { write: true, lock: true });
    const existing = await findOpenInvitation(tx, access.org.id, data.invitationId);
    const updated = await tx.invitation.update({ where: { id: existing.id }, data: { revokedAt: now }, select: invitationSelect });
    await recordAudit(tx, actor, {
      action: 'member.invitation_revoke',
      target: { type: 'invitation', id: existing.id },
      orgId: access.org.id,
      before: { email: existing.email, role: roleRefString(existing) },
    });
    return publicInvitation(updated, now);
  });
}

// ───────────────────────────── the invitee's side ──────────────────────────

async function findByToken(db: Db, token: string) {
  if (!TOKEN_PATTERN.test(token)) return null;
  return db.invitation.findUnique({
    where: { tokenHash: keyedHash(token) },
    select: { ...invitationSelect, org: { select: { id: true, name: true, slug: true, status: true, tier: true } } },
  });
}

export type InvitationPreview =
  | { status: 'invalid' }
  | {
      status: InvitationStatus;
      orgName: string;
      orgSlug: string;
      email: string;
      roleLabel: string;
      invitedBy: string | null;
      expiresAt: Date;
      /** Whether an account with the invited address exists (decides sign in vs create account). */
      hasAccount: boolean;
      /** The invited address's domain requires SSO: no password account can be created. */
      ssoRequired: boolean;
    };

/** What the invitation page shows. The token is the only authority here. */
export async function previewInvitation(token: string, now = new Date()): Promise<InvitationPreview> {
  const row = await findByToken(prisma, token);
  if (!row || row.org.status === 'deactivated') return { status: 'invalid' };
  const account = await prisma.user.findUnique({ where: { email: row.email }, select: { id: true } });
  return {
    status: statusOf(row, now),
    orgName: row.org.name,
    orgSlug: row.org.slug,
    email: row.email,
    roleLabel: resolvedOf(row).label,
    invitedBy: row.invitedBy?.name ?? row.invitedBy?.email ?? null,
    expiresAt: row.expiresAt,
    hasAccount: account !== null,
    ssoRequired: await ssoRequiredFor(row.email),
  };
}

function refusal(status: InvitationStatus): never {
  switch (status) {
    case 'accepted':
      throw new ConflictError('This invitation was already used. Ask for a new one if you still need access.');
    case 'revoked':
      throw new ConflictError('This invitation was withdrawn. Ask an administrator for a new one.');
    case 'expired':
      throw new ConflictError('This invitation has expired. Ask an administrator to send it again.');
    default:
      throw new ConflictError('This invitation cannot be used.');
  }
}

/**
 * Consumes the invitation inside `tx` and creates the membership: the row is
 * claimed with a conditional update, so two tabs accepting at once produce
 * one membership and one error.
 */
async function consume(tx: Db, actor: Actor, token: string, user: { id: string; email: string }, now: Date) {
  const row = await findByToken(tx, token);
  if (!row || row.org.status === 'deactivated') throw new NotFoundError('This invitation link is not valid.');
  await lockOrg(tx, row.org.id);
  const status = statusOf(row, now);
  if (status !== 'pending') refusal(status);
  if (row.email !== user.email.toLowerCase()) {
    throw new ForbiddenError(`This invitation is for ${row.email}. Sign in with that address to accept it.`);
  }
  const claimed = await tx.invitation.updateMany({
    where: { id: row.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now },
  });
  if (claimed.count !== 1) refusal('accepted');
  const existing = await tx.membership.findUnique({ where: { userId_orgId: { userId: user.id, orgId: row.org.id } }, select: { id: true } });
  if (existing) throw new ConflictError(`You are already a member of ${row.org.name}.`);
  // The invitation already holds the seat the membership takes over.
  await assertSeatAvailable(tx, row.org.id, 0, now);
  const membership = await tx.membership.create({ data: { userId: user.id, orgId: row.org.id, role: row.role, customRoleId: row.customRoleId } });
  await recordAudit(tx, actor, {
    action: 'member.join',
    target: { type: 'membership', id: membership.id },
    orgId: row.org.id,
    after: { email: user.email, role: roleRefString(membership), roleLabel: resolvedOf(row).label },
    metadata: { invitationId: row.id, invitedBy: row.invitedBy?.email ?? null },
  });
  // An owner who joins while signed in has signed in as that org's owner (a newcomer ticks it at their first sign-in).
  if (row.role === 'owner' && actor.sessionId) await markOnboardingItem(tx, row.org.id, 'owner_signed_in', actor);
  return { membershipId: membership.id, orgSlug: row.org.slug, orgName: row.org.name };
}

export const acceptInvitationSchema = z.object({ token: z.string().trim().min(1, 'The invitation link is incomplete.').max(200) });

/** A signed-in user accepts an invitation sent to their address. */
export async function acceptInvitation(actor: Actor, input: z.input<typeof acceptInvitationSchema>, now = new Date()) {
  const data = acceptInvitationSchema.parse(input);
  if (!actor.userId) throw new ConflictError('Sign in to accept this invitation.');
  const userId = actor.userId;
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, disabledAt: true } });
    if (!user || user.disabledAt) throw new NotFoundError('Your account was not found.');
    return consume(tx, actor, data.token, user, now);
  });
}

/** How long an emailed invitation code works. */
export const INVITATION_CODE_MINUTES = 15;

type Requester = { ip?: string | null; userAgent?: string | null };

/** The invitation someone new may create a password account from, or the reason they may not. */
async function invitationForNewAccount(token: string, now: Date) {
  const row = await findByToken(prisma, token);
  if (!row || row.org.status === 'deactivated') throw new NotFoundError('This invitation link is not valid.');
  const status = statusOf(row, now);
  if (status !== 'pending') refusal(status);
  if (await ssoRequiredFor(row.email)) {
    throw new ValidationError(`${row.email.split('@')[1]} signs in with single sign-on. Sign in through SSO, then open this link again.`);
  }
  const taken = await prisma.user.findUnique({ where: { email: row.email }, select: { id: true } });
  if (taken) throw new ConflictError(`An account for ${row.email} already exists. Sign in to accept the invitation.`);
  return row;
}

/** Someone signed out, acting for the invited address they have not proved yet. */
function inviteeActor(email: string, request: Requester): Actor {
  return { kind: 'user', userId: null, label: email, staffRole: null, ip: request.ip ?? null, userAgent: request.userAgent ?? null };
}

/**
 * Mails a short-lived code to the invited address, for someone new to prove
 * they read it. The code goes only into that mailbox: the answer says where
 * it went, never what it is. Rate-limited per address and per client.
 */
export async function sendInvitationCode(input: z.input<typeof acceptInvitationSchema>, request: Requester = {}, now = new Date()) {
  const data = acceptInvitationSchema.parse(input);
  const row = await invitationForNewAccount(data.token, now);
  const proof = await issueMailboxProof(
    { purpose: 'invitation', subjectId: row.id, email: row.email, format: 'code', ttlMinutes: INVITATION_CODE_MINUTES, ip: request.ip ?? null },
    (tx, issued) =>
      recordAudit(tx, inviteeActor(row.email, request), {
        action: 'member.invitation_code_sent',
        target: { type: 'invitation', id: row.id },
        orgId: row.org.id,
        metadata: { email: row.email, expiresAt: issued.expiresAt },
      }),
    now,
  );
  const { sent } = await sendMail(invitationCodeMail({ to: row.email, orgName: row.org.name, code: proof.secret, expiresAt: proof.expiresAt }));
  return { email: row.email, expiresAt: proof.expiresAt, mailed: sent };
}

export const acceptAsNewUserSchema = acceptInvitationSchema.extend({
  code: z.string().trim().min(1, 'Enter the code we emailed you.').max(32),
  name: z.string().trim().min(1, 'Enter your name.').max(120, 'Use at most 120 characters.'),
  password: newPasswordField,
});

/**
 * Someone without an account accepts: with the code mailed to the invited
 * address (sendInvitationCode), the account is created for that address
 * with the chosen password, in the same transaction as the membership and
 * the code's use. Refused for domains whose org requires SSO (they sign in
 * through their IdP first, then accept).
 */
export async function acceptInvitationAsNewUser(input: z.input<typeof acceptAsNewUserSchema>, request: Requester = {}, now = new Date()) {
  const data = acceptAsNewUserSchema.parse(input);
  const row = await invitationForNewAccount(data.token, now);
  // The password rule first: a refused password should not spend one of the code's few tries.
  const passwordHash = await hashNewPassword(data.password, { email: row.email, name: data.name });
  const proof = await checkMailboxCode({ purpose: 'invitation', subjectId: row.id, email: row.email, code: data.code }, now);
  return prisma.$transaction(async (tx) => {
    const taken = await tx.user.findUnique({ where: { email: row.email }, select: { id: true } });
    if (taken) throw new ConflictError(`An account for ${row.email} already exists. Sign in to accept the invitation.`);
    await useMailboxProof(tx, proof, now);
    const user = await tx.user.create({ data: { email: row.email, name: data.name, passwordHash }, select: { id: true, email: true, name: true } });
    const actor: Actor = { ...inviteeActor(user.email, request), userId: user.id };
    await recordAudit(tx, actor, {
      action: 'user.create',
      target: { type: 'user', id: user.id },
      after: { email: user.email, name: user.name },
      metadata: { via: 'invitation', mailboxProofId: proof.id },
    });
    const joined = await consume(tx, actor, data.token, user, now);
    return { ...joined, email: user.email };
  });
}
