import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/identity/auth/actor';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import type { StaffPermission } from '@/lib/identity/rbac/permissions';
import { prisma } from '@/lib/platform/db/client';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { toFormData } from '@/dev/sweeps/harness';
import { mintTokenAction, rotateTokenAction, setChecklistItemAction } from './actions';

/** The token and checklist forms reach their services through the services' own schemas. */

let actor: Actor;
vi.mock('@/lib/identity/auth/session', () => ({
  currentActor: async () => actor,
  currentStaffActor: async (permission: StaffPermission) => {
    assertStaffPermission(actor, permission);
    return actor;
  },
}));
vi.mock('next/cache', () => ({ refresh: () => {}, revalidatePath: () => {} }));

beforeAll(async () => {
  actor = (await createStaff('staff-admin')).actor;
});

async function customerWithRepository() {
  const org = await createOrg();
  const repository = await prisma.repository.create({ data: { name: `seams/${uniqueSlug('repo')}`, upstreamUrl: 'https://registry.example.test', upstreamRepository: 'vendor/product' } });
  await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repository.id } });
  return { org, repository };
}

describe('token actions', () => {
  it('mint: one ticked repository and a blank expiry are a list and the default; days that are not a number are a field error', async () => {
    const { org, repository } = await customerWithRepository();
    const refused = await mintTokenAction(null, toFormData({ orgId: org.id, slug: org.slug, name: 'prod', repositoryIds: repository.id, expiresInDays: 'soon' }));
    expect(refused).toMatchObject({ ok: false, status: 400, fieldErrors: { expiresInDays: expect.any(Array) } });
    expect(await prisma.registryToken.count({ where: { orgId: org.id } })).toBe(0);

    const minted = await mintTokenAction(null, toFormData({ orgId: org.id, slug: org.slug, name: 'prod', repositoryIds: repository.id, expiresInDays: '' }));
    expect(minted).toMatchObject({ ok: true, message: 'Minted prod.' });
    expect(await prisma.registryToken.findFirstOrThrow({ where: { orgId: org.id } })).toMatchObject({ name: 'prod', expiresAt: expect.any(Date) });

    const none = await mintTokenAction(null, toFormData({ orgId: org.id, slug: org.slug, name: 'staging' }));
    expect(none).toMatchObject({ ok: false, fieldErrors: { repositoryIds: ['Choose at least one repository.'] } });
  });

  it('rotate: a negative overlap is a field error and rotates nothing', async () => {
    const { org, repository } = await customerWithRepository();
    await mintTokenAction(null, toFormData({ orgId: org.id, slug: org.slug, name: 'prod', repositoryIds: repository.id, expiresInDays: '30' }));
    const token = await prisma.registryToken.findFirstOrThrow({ where: { orgId: org.id } });
    expect(await rotateTokenAction(null, toFormData({ tokenId: token.id, slug: org.slug, overlapHours: '-1' }))).toMatchObject({
      ok: false,
      fieldErrors: { overlapHours: ['The overlap cannot be negative.'] },
    });
    expect(await prisma.registryToken.count({ where: { orgId: org.id } })).toBe(1);
    expect(await rotateTokenAction(null, toFormData({ tokenId: token.id, slug: org.slug, overlapHours: '24' }))).toMatchObject({ ok: true, message: 'Rotated prod.' });
    expect(await prisma.registryToken.count({ where: { orgId: org.id } })).toBe(2);
  });
});

describe('checklist action', () => {
  it('refuses an item that does not exist with a field error, and ticks a real one', async () => {
    const org = await createOrg();
    const refused = await setChecklistItemAction(null, toFormData({ orgId: org.id, slug: org.slug, key: 'moon_landing', done: 'true' }));
    expect(refused).toMatchObject({ ok: false, status: 400, fieldErrors: { key: [expect.stringMatching(/^Unknown checklist item/)] } });
    expect(await prisma.onboardingItem.count({ where: { orgId: org.id } })).toBe(0);
    expect(await setChecklistItemAction(null, toFormData({ orgId: org.id, slug: org.slug, key: 'info_collected', done: 'true' }))).toMatchObject({ ok: true, message: 'Ticked.' });
  });
});
