import 'server-only';
import { z } from 'zod';
import { listField, optionalField } from '@/lib/platform/form-fields';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { markOnboardingItem } from '@/lib/identity/onboarding/items';
import { getSetting } from '@/lib/platform/settings';
import { putSetting } from '@/lib/product/settings-write';
import { announceRegistryChange } from './credentials';
import { displayPrefix, generateToken } from './token-format';
import { DAY, HOUR } from '@/lib/platform/time';

/**
 * Registry pull tokens: minted by staff for a customer, scoped to
 * repositories the customer is granted to, shown once, stored as
 * HMAC-SHA256 under TOKEN_HASH_SECRET plus a display prefix.
 */

export const DEFAULT_TOKEN_DAYS = 365;
export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;

export async function maxTokenDays(db: Db = prisma): Promise<number> {
  return getSetting(db, 'tokens.maxExpiryDays', 730);
}

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the token a name, e.g. "production cluster".')
  .max(64, 'Use at most 64 characters.');

export const mintTokenSchema = z.object({
  orgId: z.string().min(1),
  name: tokenNameSchema,
  repositoryIds: listField(z.array(z.string().min(1)).min(1, 'Choose at least one repository.')),
  expiresInDays: optionalField(z.coerce.number<string | number>().int('Use whole days.').min(1, 'The expiry must be in the future.')),
});
export type MintTokenInput = z.input<typeof mintTokenSchema>;

const tokenSelect = {
  id: true,
  orgId: true,
  name: true,
  prefix: true,
  expiresAt: true,
  revokedAt: true,
  revokedReason: true,
  rotatedFromId: true,
  lastUsedAt: true,
  lastUsedIp: true,
  createdBy: true,
  createdAt: true,
  scopes: { select: { repository: { select: { id: true, name: true } } } },
} as const;

function publicToken<T extends { scopes: { repository: { id: string; name: string } }[] }>(token: T) {
  const { scopes, ...rest } = token;
  return { ...rest, repositories: scopes.map((scope) => scope.repository) };
}

async function checkExpiry(db: Db, expiresInDays: number | undefined): Promise<number> {
  const max = await maxTokenDays(db);
  const days = expiresInDays ?? Math.min(DEFAULT_TOKEN_DAYS, max);
  if (days > max) throw ValidationError.field('expiresInDays', `Tokens can live at most ${max} days.`);
  return days;
}

async function insertToken(
  tx: Db,
  actor: Actor,
  data: { orgId: string; name: string; repositoryIds: string[]; expiresAt: Date; rotatedFromId?: string },
) {
  const token = generateToken();
  const record = await tx.registryToken.create({
    data: {
      orgId: data.orgId,
      name: data.name,
      prefix: displayPrefix(token),
      hash: keyedHash(token),
      expiresAt: data.expiresAt,
      rotatedFromId: data.rotatedFromId,
      createdById: actor.userId,
      createdBy: actor.label,
      scopes: { create: data.repositoryIds.map((repositoryId) => ({ repositoryId })) },
    },
    select: tokenSelect,
  });
  return { token, record: publicToken(record) };
}

/** Mints a token; the plaintext is in the result and nowhere else, ever. */
export async function mintToken(actor: Actor, input: MintTokenInput, now = new Date()) {
  const data = mintTokenSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: data.orgId }, { staff: 'tokens.create' });
    if (org.status !== 'active') throw new ConflictError(`${org.name} is ${org.status}; reactivate it before minting tokens.`);
    const days = await checkExpiry(tx, data.expiresInDays);
    const repositoryIds = [...new Set(data.repositoryIds)];
    const granted = await tx.repositoryGrant.findMany({ where: { orgId: org.id, repositoryId: { in: repositoryIds } }, select: { repositoryId: true } });
    if (granted.length !== repositoryIds.length) {
      throw ValidationError.field('repositoryIds', `${org.name} may not pull every chosen repository.`);
    }
    const minted = await insertToken(tx, actor, { orgId: org.id, name: data.name, repositoryIds, expiresAt: new Date(now.getTime() + days * DAY) });
    await recordAudit(tx, actor, { action: 'token.create', target: { type: 'registry_token', id: minted.record.id }, orgId: org.id, after: minted.record });
    await markOnboardingItem(tx, org.id, 'access_granted', actor);
    return minted;
  });
}

export const rotateTokenSchema = z.object({
  tokenId: z.string().min(1),
  overlapHours: optionalField(z.coerce.number<string | number>().min(0, 'The overlap cannot be negative.').max(24 * 30, 'Keep the overlap under 30 days.')),
});

/**
 * Mints a successor with the same name and scopes (and a fresh lifetime of
 * the original's length) and lets the old token run on for `overlapHours`
 * (default 24; 0 revokes it at once), after which it stops by itself.
 * Staff rotate with tokens.rotate; customers whose role has tokens.rotate
 * rotate their own org's tokens.
 */
export async function rotateToken(actor: Actor, input: z.input<typeof rotateTokenSchema>, now = new Date()) {
  const data = rotateTokenSchema.parse(input);
  const overlapHours = data.overlapHours ?? DEFAULT_ROTATION_OVERLAP_HOURS;
  return prisma.$transaction(async (tx) => {
    const old = await tx.registryToken.findUnique({ where: { id: data.tokenId }, include: { scopes: true, rotatedTo: { select: { id: true } } } });
    if (!old) throw new NotFoundError('Token not found');
    const { org } = await authorizeOrg(tx, actor, { id: old.orgId }, { staff: 'tokens.rotate', org: 'tokens.rotate' });
    if (org.status !== 'active') throw new ConflictError(`${org.name} is ${org.status}.`);
    if (old.revokedAt || old.expiresAt <= now) throw new ConflictError('This token is no longer valid; mint a new one instead.');
    if (old.rotatedTo) throw new ConflictError('This token was already rotated; rotate its successor instead.');

    const lifetimeDays = Math.max(1, Math.round((old.expiresAt.getTime() - old.createdAt.getTime()) / DAY));
    const days = Math.min(lifetimeDays, await maxTokenDays(tx));
    // Scopes the customer is no longer granted are not carried over.
    const granted = await tx.repositoryGrant.findMany({
      where: { orgId: org.id, repositoryId: { in: old.scopes.map((scope) => scope.repositoryId) } },
      select: { repositoryId: true },
    });
    if (granted.length === 0) throw new ConflictError(`${org.name} may no longer pull any of this token's repositories.`);
    const successor = await insertToken(tx, actor, {
      orgId: org.id,
      name: old.name,
      repositoryIds: granted.map((e) => e.repositoryId),
      expiresAt: new Date(now.getTime() + days * DAY),
      rotatedFromId: old.id,
    });
    const overlapEnds = new Date(now.getTime() + overlapHours * HOUR);
    const retired = await tx.registryToken.update({
      where: { id: old.id },
      data:
        overlapHours === 0
          ? { revokedAt: now, revokedReason: 'rotated' }
          : { expiresAt: overlapEnds < old.expiresAt ? overlapEnds : old.expiresAt },
      select: tokenSelect,
    });
    await announceRegistryChange(tx, { kind: 'token', tokenId: old.id });
    await recordAudit(tx, actor, {
      action: 'token.rotate',
      target: { type: 'registry_token', id: old.id },
      orgId: org.id,
      before: { expiresAt: old.expiresAt, revokedAt: old.revokedAt },
      after: { expiresAt: retired.expiresAt, revokedAt: retired.revokedAt },
      metadata: { successorId: successor.record.id, overlapHours },
    });
    return { ...successor, previous: publicToken(retired) };
  });
}

export async function revokeToken(actor: Actor, tokenId: string, reason = 'revoked', now = new Date()) {
  assertStaffPermission(actor, 'tokens.revoke');
  return prisma.$transaction(async (tx) => {
    const token = await tx.registryToken.findUnique({ where: { id: tokenId }, select: tokenSelect });
    if (!token) throw new NotFoundError('Token not found');
    await authorizeOrg(tx, actor, { id: token.orgId }, { staff: 'tokens.revoke' });
    if (token.revokedAt) return publicToken(token);
    const revoked = await tx.registryToken.update({
      where: { id: tokenId },
      data: { revokedAt: now, revokedReason: reason.slice(0, 200) },
      select: tokenSelect,
    });
    await announceRegistryChange(tx, { kind: 'token', tokenId });
    await recordAudit(tx, actor, {
      action: 'token.revoke',
      target: { type: 'registry_token', id: tokenId },
      orgId: token.orgId,
      before: { revokedAt: null },
      after: { revokedAt: revoked.revokedAt, revokedReason: revoked.revokedReason },
    });
    return publicToken(revoked);
  });
}

/** Revokes every live token of a customer (staff-admin only). Also used by deactivation, inside its transaction. */
export async function revokeAllTokens(actor: Actor, orgId: string, reason = 'revoked: all tokens', db?: Db, now = new Date()) {
  const run = async (tx: Db) => {
    const { org } = await authorizeOrg(tx, actor, { id: orgId }, { staff: 'tokens.revoke_all' });
    const live = await tx.registryToken.findMany({ where: { orgId: org.id, revokedAt: null }, select: { id: true } });
    if (live.length === 0) return { revoked: 0 };
    await tx.registryToken.updateMany({ where: { id: { in: live.map((t) => t.id) } }, data: { revokedAt: now, revokedReason: reason } });
    await announceRegistryChange(tx, { kind: 'org', orgId: org.id });
    await recordAudit(tx, actor, {
      action: 'token.revoke_all',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      metadata: { tokenIds: live.map((t) => t.id), reason },
    });
    return { revoked: live.length };
  };
  return db ? run(db) : prisma.$transaction(run);
}

export async function listTokens(actor: Actor, orgId: string) {
  await authorizeOrg(prisma, actor, { id: orgId }, { staff: 'tokens.view', org: 'tokens.view' });
  const tokens = await prisma.registryToken.findMany({
    where: { orgId },
    orderBy: { createdAt: 'desc' },
    select: { ...tokenSelect, rotatedTo: { select: { id: true } } },
  });
  return tokens.map(({ rotatedTo, ...token }) => ({ ...publicToken(token), successorId: rotatedTo?.id ?? null }));
}

/** Every customer's tokens, newest first (staff; the CLI's `tokens list` without a customer). */
export async function listAllTokens(actor: Actor, options: { take?: number } = {}) {
  assertStaffPermission(actor, 'tokens.view');
  const tokens = await prisma.registryToken.findMany({
    orderBy: { createdAt: 'desc' },
    take: Math.min(options.take ?? 1000, 10_000),
    select: { ...tokenSelect, rotatedTo: { select: { id: true } }, org: { select: { slug: true, name: true } } },
  });
  return tokens.map(({ rotatedTo, org, ...token }) => ({ ...publicToken(token), customer: org.slug, successorId: rotatedTo?.id ?? null }));
}

export const maxTokenDaysSchema = z.coerce
  .number({ error: 'Enter a number of days.' })
  .int('Use whole days.')
  .min(1, 'Allow at least 1 day.')
  .max(3650, 'Allow at most 3650 days (10 years).');

/** The longest lifetime a new token may get (staff-admin: settings.manage). Existing tokens keep theirs. */
export async function setMaxTokenDays(actor: Actor, days: number | string) {
  assertStaffPermission(actor, 'settings.manage');
  const value = maxTokenDaysSchema.parse(days);
  return prisma.$transaction(async (tx) => {
    await putSetting(tx, actor, 'tokens.maxExpiryDays', value);
    return value;
  });
}

export type TokenStatus = 'active' | 'expiring' | 'expiring_soon' | 'expired' | 'revoked' | 'rotating';

/** Status for lists and badges: expiring within 30 days, expiring_soon within 7, rotating during a rotation overlap. */
export function tokenStatus(
  token: { expiresAt: Date; revokedAt: Date | null },
  options: { hasSuccessor?: boolean; now?: Date } = {},
): TokenStatus {
  const now = options.now ?? new Date();
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt <= now) return 'expired';
  if (options.hasSuccessor) return 'rotating';
  const left = token.expiresAt.getTime() - now.getTime();
  if (left <= 7 * DAY) return 'expiring_soon';
  if (left <= 30 * DAY) return 'expiring';
  return 'active';
}
