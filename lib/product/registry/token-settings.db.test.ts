import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError } from '@/lib/platform/errors';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createRepository, grantRepository } from './repositories';
import { maxTokenDays, mintToken, setMaxTokenDays } from './tokens';

describe('the maximum token lifetime', () => {
  // A global setting: this test only ever raises it (which no other test notices) and restores it.
  it('is set by staff-admins only, validated, audited, and caps new tokens', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const before = await maxTokenDays();
    const org = await createOrg();
    const repository = await createRepository(admin.actor, { name: `vendor/${uniqueSlug('max')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });
    await grantRepository(admin.actor, org.id, repository.id);
    try {
      await expect(setMaxTokenDays(support.actor, 3000)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(setMaxTokenDays(admin.actor, 0)).rejects.toThrow('Allow at least 1 day.');
      await expect(setMaxTokenDays(admin.actor, 5000)).rejects.toThrow('at most 3650 days');
      await expect(setMaxTokenDays(admin.actor, 'soon')).rejects.toThrow();
      expect(await maxTokenDays()).toBe(before);

      await expect(mintToken(admin.actor, { orgId: org.id, name: 'long', repositoryIds: [repository.id], expiresInDays: 3001 })).rejects.toThrow(`at most ${before} days`);
      expect(await setMaxTokenDays(admin.actor, '3000')).toBe(3000);
      const { record } = await mintToken(admin.actor, { orgId: org.id, name: 'long', repositoryIds: [repository.id], expiresInDays: 3000 });
      expect(Math.round((record.expiresAt.getTime() - Date.now()) / 86_400_000)).toBe(3000);
      await expect(mintToken(admin.actor, { orgId: org.id, name: 'longer', repositoryIds: [repository.id], expiresInDays: 3001 })).rejects.toThrow('at most 3000 days');
      const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'setting.update', targetId: 'tokens.maxExpiryDays', actorLabel: admin.user.email } });
      expect(event.after).toEqual({ value: 3000 });
    } finally {
      await setMaxTokenDays(admin.actor, before);
    }
  });
});
