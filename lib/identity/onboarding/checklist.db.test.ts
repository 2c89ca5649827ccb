import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError } from '@/lib/platform/errors';
import { deliverInstructions } from '@/lib/product/instructions/instructions';
import { createRepository, grantRepository } from '@/lib/product/registry/repositories';
import { mintToken } from '@/lib/product/registry/tokens';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { getChecklist, setOnboardingItem } from './checklist';
import { markOnboardingItem } from './items';

const done = async (orgId: string, key: string) => (await prisma.onboardingItem.findUnique({ where: { orgId_key: { orgId, key } } }))?.doneAt ?? null;

describe('onboarding checklist', () => {
  it('ticks itself when a token is minted and instructions are delivered, recording who', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const org = await createOrg();
    const repository = await createRepository(admin.actor, { name: `vendor/${uniqueSlug('onb')}`, upstreamUrl: 'https://ghcr.io', defaultTag: '1.0.0' });
    await grantRepository(admin.actor, org.id, repository.id);

    expect((await getChecklist(support.actor, org.id)).every((item) => item.doneAt === null)).toBe(true);
    await mintToken(support.actor, { orgId: org.id, name: 'prod', repositoryIds: [repository.id] });
    await mintToken(support.actor, { orgId: org.id, name: 'ci', repositoryIds: [repository.id] });
    await deliverInstructions(support.actor, org.id, { via: 'download' });

    const checklist = await getChecklist(support.actor, org.id);
    expect(checklist.map((item) => [item.key, item.doneBy])).toEqual([
      ['info_collected', null],
      ['owner_signed_in', null],
      ['access_granted', support.user.email],
      ['instructions_delivered', support.user.email],
      ['first_pull', null],
      ['features_confirmed', null],
    ]);
    // Ticked once, audited once, however often it happens.
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'onboarding.tick' } })).toBe(2);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'instructions.download' } })).toBe(1);
  });

  it('lets the gateway tick the first pull inside its own transaction, once', async () => {
    const org = await createOrg();
    const first = await prisma.$transaction((tx) => markOnboardingItem(tx, org.id, 'first_pull', 'gateway'));
    const again = await prisma.$transaction((tx) => markOnboardingItem(tx, org.id, 'first_pull', 'gateway'));
    expect([first, again]).toEqual([true, false]);
    const row = await prisma.onboardingItem.findUniqueOrThrow({ where: { orgId_key: { orgId: org.id, key: 'first_pull' } } });
    expect(row.doneBy).toBe('system');
    const events = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: 'onboarding.tick' } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: 'system', actorLabel: 'system:gateway', after: { key: 'first_pull', done: true, automatic: true } });

    // A rolled-back transaction leaves no tick behind.
    const other = await createOrg();
    await expect(
      prisma.$transaction(async (tx) => {
        await markOnboardingItem(tx, other.id, 'first_pull', 'gateway');
        throw new Error('pull failed after all');
      }),
    ).rejects.toThrow('pull failed');
    expect(await done(other.id, 'first_pull')).toBeNull();
  });

  it('is ticked and unticked by hand by staff with checklist.update, audited each time', async () => {
    const support = await createStaff('staff-support');
    const billing = await createStaff('staff-billing');
    const org = await createOrg();
    const owner = await createMember(org.id, 'owner');

    await setOnboardingItem(support.actor, { orgId: org.id, key: 'features_confirmed', done: true });
    expect(await done(org.id, 'features_confirmed')).toBeInstanceOf(Date);
    await setOnboardingItem(support.actor, { orgId: org.id, key: 'features_confirmed', done: true });
    await setOnboardingItem(support.actor, { orgId: org.id, key: 'features_confirmed', done: 'false' as never });
    expect(await done(org.id, 'features_confirmed')).toBeNull();
    expect((await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } })).map((e) => e.action)).toEqual(['onboarding.tick', 'onboarding.untick']);

    await expect(setOnboardingItem(billing.actor, { orgId: org.id, key: 'info_collected', done: true })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setOnboardingItem(owner.actor, { orgId: org.id, key: 'info_collected', done: true })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setOnboardingItem(support.actor, { orgId: org.id, key: 'party' as never, done: true })).rejects.toThrow('Unknown checklist item');
    expect(await done(org.id, 'info_collected')).toBeNull();
  });
});
