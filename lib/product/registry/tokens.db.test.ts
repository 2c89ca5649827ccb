import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { REGISTRY_CHANGES_CHANNEL, verifyRegistryCredentials } from './credentials';
import { mintToken, revokeAllTokens, revokeToken, rotateToken, tokenStatus } from './tokens';
import { isWellFormedToken } from './token-format';
import { DAY } from '@/lib/platform/time';

async function grantedOrg() {
  const org = await createOrg();
  const repository = await prisma.repository.create({
    data: { name: `acme/${uniqueSlug('product')}`, upstreamUrl: 'http://127.0.0.1:5000', upstreamRepository: 'product' },
  });
  await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repository.id } });
  return { org, repository };
}

describe('minting', () => {
  it('returns the token once and stores only a keyed hash and a prefix', async () => {
    const { org, repository } = await grantedOrg();
    const { actor } = await createStaff('staff-support');
    const { token, record } = await mintToken(actor, { orgId: org.id, name: 'production', repositoryIds: [repository.id] });
    expect(isWellFormedToken(token)).toBe(true);
    expect(record.prefix).toBe(token.slice(0, 12));
    expect(record.repositories).toEqual([{ id: repository.id, name: repository.name }]);
    expect(Math.round((record.expiresAt.getTime() - Date.now()) / DAY)).toBe(365);

    const stored = await prisma.registryToken.findUniqueOrThrow({ where: { id: record.id }, omit: { hash: false } });
    expect(stored.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'token.create', targetId: record.id } });
    expect(JSON.stringify({ ...audit, id: String(audit.id) })).not.toContain(token.slice(12));

    const verified = await verifyRegistryCredentials(prisma, org.slug, token);
    expect(verified).toEqual({
      ok: true,
      token: { tokenId: record.id, orgId: org.id, orgSlug: org.slug, repositories: [repository.name], versionRules: {}, licenseExpiresAt: null, expiresAt: record.expiresAt },
    });
    expect(await verifyRegistryCredentials(prisma, 'someone-else', token)).toMatchObject({ ok: false, reason: 'wrong_user' });
    expect(await verifyRegistryCredentials(prisma, org.slug, 'pcr_not-a-token')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses bad input and writes nothing', async () => {
    const { org, repository } = await grantedOrg();
    const other = await prisma.repository.create({ data: { name: `acme/${uniqueSlug('other')}`, upstreamUrl: 'http://x', upstreamRepository: 'other' } });
    const { actor } = await createStaff('staff-admin');
    const attempt = (input: Partial<Parameters<typeof mintToken>[1]>) =>
      mintToken(actor, { orgId: org.id, name: 'ci', repositoryIds: [repository.id], ...input });

    await expect(attempt({ repositoryIds: [other.id] })).rejects.toThrow(/may not pull/);
    await expect(attempt({ repositoryIds: [] })).rejects.toThrow(/at least one repository/);
    await expect(attempt({ name: '   ' })).rejects.toThrow(/Give the token a name/);
    await expect(attempt({ name: 'x'.repeat(65) })).rejects.toThrow(/at most 64/);
    await expect(attempt({ expiresInDays: 0 })).rejects.toThrow(/in the future/);
    await expect(attempt({ expiresInDays: 10_000 })).rejects.toBeInstanceOf(ValidationError);
    await expect(mintToken(actor, { orgId: 'missing', name: 'x', repositoryIds: [repository.id] })).rejects.toBeInstanceOf(NotFoundError);
    await prisma.organization.update({ where: { id: org.id }, data: { status: 'deactivated' } });
    await expect(attempt({})).rejects.toBeInstanceOf(ConflictError);
    expect(await prisma.registryToken.count({ where: { orgId: org.id } })).toBe(0);
  });

  it('is for staff with tokens.create only', async () => {
    const { org, repository } = await grantedOrg();
    const billing = await createStaff('staff-billing');
    const owner = await createMember(org.id, 'owner');
    await expect(mintToken(billing.actor, { orgId: org.id, name: 'x', repositoryIds: [repository.id] })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(mintToken(owner.actor, { orgId: org.id, name: 'x', repositoryIds: [repository.id] })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('rotation', () => {
  it('keeps the old token valid for the overlap, after which it stops by itself', async () => {
    const { org, repository } = await grantedOrg();
    const { actor } = await createStaff('staff-support');
    const first = await mintToken(actor, { orgId: org.id, name: 'prod', repositoryIds: [repository.id], expiresInDays: 90 });
    const now = new Date();
    const second = await rotateToken(actor, { tokenId: first.record.id, overlapHours: 2 }, now);

    expect(second.record.rotatedFromId).toBe(first.record.id);
    expect(second.record.name).toBe('prod');
    expect(Math.round((second.record.expiresAt.getTime() - now.getTime()) / DAY)).toBe(90);
    expect(second.previous.expiresAt.getTime()).toBe(now.getTime() + 2 * 3600 * 1000);
    expect((await verifyRegistryCredentials(prisma, org.slug, first.token)).ok).toBe(true);
    expect((await verifyRegistryCredentials(prisma, org.slug, second.token)).ok).toBe(true);
    const later = new Date(now.getTime() + 2 * 3600 * 1000 + 1);
    expect(await verifyRegistryCredentials(prisma, org.slug, first.token, later)).toMatchObject({ ok: false, reason: 'expired' });
    expect(tokenStatus(second.previous, { hasSuccessor: true, now })).toBe('rotating');
    await expect(rotateToken(actor, { tokenId: first.record.id })).rejects.toThrow(/already rotated/);
  });

  it('with no overlap revokes the old token at once', async () => {
    const { org, repository } = await grantedOrg();
    const { actor } = await createStaff('staff-admin');
    const first = await mintToken(actor, { orgId: org.id, name: 'prod', repositoryIds: [repository.id] });
    await rotateToken(actor, { tokenId: first.record.id, overlapHours: 0 });
    expect(await verifyRegistryCredentials(prisma, org.slug, first.token)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('is open to customers whose role allows it, and to nobody outside the org', async () => {
    const { org, repository } = await grantedOrg();
    const { actor: staff } = await createStaff('staff-admin');
    const minted = await mintToken(staff, { orgId: org.id, name: 'prod', repositoryIds: [repository.id] });
    const viewer = await createMember(org.id, 'viewer');
    const editor = await createMember(org.id, 'editor');
    const stranger = await createMember((await createOrg()).id, 'owner');
    await expect(rotateToken(viewer.actor, { tokenId: minted.record.id })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(rotateToken(stranger.actor, { tokenId: minted.record.id })).rejects.toBeInstanceOf(NotFoundError);
    const rotated = await rotateToken(editor.actor, { tokenId: minted.record.id });
    expect(rotated.record.createdBy).toBe(editor.user.email);
  });
});

describe('revocation', () => {
  it('is immediate, audited and announced to every replica', async () => {
    const { org, repository } = await grantedOrg();
    const { actor } = await createStaff('staff-support');
    const minted = await mintToken(actor, { orgId: org.id, name: 'prod', repositoryIds: [repository.id] });

    const listener = new pg.Client({ connectionString: inject('databaseUrl') });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    await listener.query(`LISTEN ${REGISTRY_CHANGES_CHANNEL}`);
    try {
      await revokeToken(actor, minted.record.id, 'laptop lost');
      await expect.poll(() => heard).toContain(JSON.stringify({ kind: 'token', tokenId: minted.record.id }));
    } finally {
      await listener.end();
    }
    expect(await verifyRegistryCredentials(prisma, org.slug, minted.token)).toMatchObject({ ok: false, reason: 'revoked', tokenId: minted.record.id });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'token.revoke', targetId: minted.record.id } });
    expect(event.after).toMatchObject({ revokedReason: 'laptop lost' });
  });

  it('revokes all of a customer\'s tokens for staff-admin only', async () => {
    const { org, repository } = await grantedOrg();
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const tokens = await Promise.all([1, 2].map((n) => mintToken(admin.actor, { orgId: org.id, name: `t${n}`, repositoryIds: [repository.id] })));
    await expect(revokeAllTokens(support.actor, org.id)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await revokeAllTokens(admin.actor, org.id)).toEqual({ revoked: 2 });
    for (const { token } of tokens) expect((await verifyRegistryCredentials(prisma, org.slug, token)).ok).toBe(false);
  });

  it('narrows a token to what the customer still holds a grant for', async () => {
    const { org, repository } = await grantedOrg();
    const { actor } = await createStaff('staff-admin');
    const minted = await mintToken(actor, { orgId: org.id, name: 'prod', repositoryIds: [repository.id] });
    await prisma.repositoryGrant.delete({ where: { orgId_repositoryId: { orgId: org.id, repositoryId: repository.id } } });
    expect(await verifyRegistryCredentials(prisma, org.slug, minted.token)).toMatchObject({ ok: true, token: { repositories: [] } });
  });
});
