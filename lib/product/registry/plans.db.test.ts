import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '@/lib/identity/auth/actor';
import { setManualTier } from '@/lib/product/billing/staff';
import { createCustomer } from '@/lib/product/customers/customers';
import { disconnectPrisma, prisma } from '@/lib/platform/db/client';
import { createSqlPool } from '@/lib/platform/db/sql';
import { createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { verifyRegistryCredentials } from './credentials';
import { listPlanRepositories, setPlanRepositories } from './plans';
import { grantRepository, listRepositoryGrants } from './repositories';
import { mintToken } from './tokens';

/**
 * Tier → repositories: plan grants follow every tier change; manual
 * ones stay. Plans apply to every customer, so this file owns a scratch
 * database: the tests beside it keep theirs unchanged.
 */
let scratch: ScratchDatabase;
let baseUrl: string | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase();
  baseUrl = process.env.DATABASE_URL;
  await disconnectPrisma();
  process.env.DATABASE_URL = scratch.url;
});
afterAll(async () => {
  await disconnectPrisma();
  process.env.DATABASE_URL = baseUrl;
  await scratch?.drop();
});

async function repository(label: string) {
  return prisma.repository.create({ data: { name: `plans/${uniqueSlug(label)}`, upstreamUrl: 'https://registry.example.test', upstreamRepository: `vendor/${label}` } });
}

async function grantsOf(orgId: string) {
  const rows = await prisma.repositoryGrant.findMany({ where: { orgId }, select: { repositoryId: true, source: true }, orderBy: { repositoryId: 'asc' } });
  return Object.fromEntries(rows.map((row) => [row.repositoryId, row.source]));
}

describe('plan repositories', () => {
  it('a tier change adds and removes plan grants in its transaction, audited; manual ones stay; tokens follow at once', async () => {
    const admin = await createStaff('staff-admin');
    const community = await repository('community');
    const team = await repository('team');
    const enterprise = await repository('enterprise');
    const manual = await repository('manual');
    // Plans are global: other tests' customers are not on these repositories, and the names are unique.
    await setPlanRepositories(admin.actor, { tier: 'community', repositoryIds: [community.id] });
    await setPlanRepositories(admin.actor, { tier: 'team', repositoryIds: [team.id] });
    await setPlanRepositories(admin.actor, { tier: 'enterprise', repositoryIds: [enterprise.id] });

    const org = await createCustomer(admin.actor, { name: `Plans ${uniqueSlug('c')}`, contactEmail: 'ops@plans.test', tier: 'community' });
    expect(await grantsOf(org.id)).toMatchObject({ [community.id]: 'plan' });
    expect(await grantsOf(org.id)).not.toHaveProperty(team.id);
    await grantRepository(admin.actor, org.id, manual.id);
    const minted = await mintToken(admin.actor, { orgId: org.id, name: 'everything', repositoryIds: [community.id, manual.id] });
    const narrow = await mintToken(admin.actor, { orgId: org.id, name: 'one', repositoryIds: [manual.id] });
    const pool = createSqlPool(process.env.DATABASE_URL!, 2);
    try {
      const reach = async (token: string) => {
        const result = await verifyRegistryCredentials(pool, org.slug, token);
        return result.ok ? result.token.repositories.filter((name) => name.startsWith('plans/')).sort() : result.reason;
      };

      await setManualTier(admin.actor, { orgId: org.id, tier: 'enterprise', reason: 'invoiced deal' });
      expect(await grantsOf(org.id)).toEqual({ [community.id]: 'plan', [team.id]: 'plan', [enterprise.id]: 'plan', [manual.id]: 'manual' });
      // The token that reached everything reaches the new plan's repositories; the narrow one stays narrow.
      expect(await reach(minted.token)).toEqual([community.name, enterprise.name, manual.name, team.name].sort());
      expect(await reach(narrow.token)).toEqual([manual.name]);
      const sync = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'entitlement.plan_sync' }, orderBy: { id: 'desc' } });
      expect(sync?.after).toMatchObject({ tier: 'enterprise', added: [enterprise.name, team.name].sort(), removed: [] });

      await setManualTier(admin.actor, { orgId: org.id, tier: 'team', reason: 'downgrade at renewal' });
      expect(await grantsOf(org.id)).toEqual({ [community.id]: 'plan', [team.id]: 'plan', [manual.id]: 'manual' });
      expect(await reach(minted.token)).toEqual([community.name, manual.name, team.name].sort());
      const down = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'entitlement.plan_sync' }, orderBy: { id: 'desc' } });
      expect(down?.after).toMatchObject({ tier: 'team', added: [], removed: [enterprise.name] });

      // Staff remove a repository from a plan: every customer on that tier or above follows in the same step.
      const result = await setPlanRepositories(admin.actor, { tier: 'team', repositoryIds: [] });
      expect(result.customersChanged).toBeGreaterThanOrEqual(1);
      expect(await grantsOf(org.id)).toEqual({ [community.id]: 'plan', [manual.id]: 'manual' });
      expect(await reach(minted.token)).toEqual([community.name, manual.name].sort());

      // A plan repository granted by hand becomes manual and survives the plan.
      await setPlanRepositories(admin.actor, { tier: 'team', repositoryIds: [team.id] });
      await grantRepository(admin.actor, org.id, team.id);
      await setPlanRepositories(admin.actor, { tier: 'team', repositoryIds: [] });
      expect((await grantsOf(org.id))[team.id]).toBe('manual');
      expect((await listRepositoryGrants(admin.actor, org.id)).find((row) => row.id === team.id)?.source).toBe('manual');
    } finally {
      await pool.end();
      await prisma.planRepository.deleteMany({ where: { repositoryId: { in: [community.id, team.id, enterprise.id, manual.id] } } });
    }
  });

  it('only staff-admin (features.manage) changes a plan, and bad input changes nothing', async () => {
    const support = await createStaff('staff-support');
    const admin = await createStaff('staff-admin');
    const repo = await repository('guarded');
    await expect(setPlanRepositories(support.actor, { tier: 'team', repositoryIds: [repo.id] })).rejects.toMatchObject({ status: 403 });
    await expect(setPlanRepositories(admin.actor, { tier: 'platinum', repositoryIds: [repo.id] })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(setPlanRepositories(admin.actor, { tier: 'team', repositoryIds: ['no-such-repository'] })).rejects.toMatchObject({ status: 400 });
    await expect(setPlanRepositories(cliActor('nobody'), { tier: 'team', repositoryIds: [repo.id] })).resolves.toBeDefined();
    const plans = await listPlanRepositories(admin.actor);
    expect(plans.find((plan) => plan.tier === 'team')?.own).toContain(repo.id);
    expect(plans.find((plan) => plan.tier === 'enterprise')?.inherited).toContain(repo.id);
    await prisma.planRepository.deleteMany({ where: { repositoryId: repo.id } });
  });
});
