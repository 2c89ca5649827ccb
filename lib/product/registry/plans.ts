import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { ValidationError } from '@/lib/platform/errors';
import { TIER_KEYS, TIERS, tierIncludes, tierOf, type Tier } from '@/lib/plans/tiers';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { announceRegistryChange } from './credentials';

/**
 * Plans name the repositories they include (`plan_repositories`; a tier
 * includes the plans below it). A customer's plan grants (source
 * `plan`) follow its tier: `syncPlanGrants` runs inside the one tier
 * change point (lib/product/billing/apply-tier.ts) and when staff change a plan's
 * repositories, adds what the tier includes and removes plan grants it
 * no longer does. RepositoryGrants staff granted by hand (source `manual`) are
 * never touched. Tokens follow at once: removal narrows every token
 * (verification joins repository grants), additions widen the tokens that could
 * pull everything the customer could pull before (a narrow token stays
 * narrow), and every replica's credential cache hears the change.
 */

export const PLAN_SOURCE = 'plan';
export const MANUAL_SOURCE = 'manual';

/** Repository ids the tier's plan includes (its own and every lower tier's). */
export async function planRepositoryIds(db: Db, tier: string): Promise<string[]> {
  const tiers = TIER_KEYS.filter((candidate) => tierIncludes(tier, candidate));
  const rows = await db.planRepository.findMany({ where: { tier: { in: tiers } }, select: { repositoryId: true } });
  return [...new Set(rows.map((row) => row.repositoryId))];
}

export interface PlanSync {
  added: string[];
  removed: string[];
  widenedTokens: number;
}

/**
 * Brings an org's plan grants in line with `tier`, in the caller's
 * transaction (which holds the org row lock), audited as `entitlement.plan_sync`.
 */
export async function syncPlanGrants(tx: Db, orgId: string, tier: string, actor: Actor, reason: string, now = new Date()): Promise<PlanSync> {
  const wanted = new Set(await planRepositoryIds(tx, tier));
  const existing = await tx.repositoryGrant.findMany({ where: { orgId }, select: { repositoryId: true, source: true } });
  const have = new Map(existing.map((row) => [row.repositoryId, row.source]));
  const add = [...wanted].filter((id) => !have.has(id));
  const remove = existing.filter((row) => row.source === PLAN_SOURCE && !wanted.has(row.repositoryId)).map((row) => row.repositoryId);
  if (add.length === 0 && remove.length === 0) return { added: [], removed: [], widenedTokens: 0 };

  // Tokens that could pull everything the customer had keep that reach.
  const before = existing.map((row) => row.repositoryId);
  const tokens = await tx.registryToken.findMany({
    where: { orgId, revokedAt: null, expiresAt: { gt: now } },
    select: { id: true, scopes: { select: { repositoryId: true } } },
  });
  const wholeReach = before.length > 0 ? tokens.filter((token) => before.every((id) => token.scopes.some((scope) => scope.repositoryId === id))) : [];

  if (remove.length) await tx.repositoryGrant.deleteMany({ where: { orgId, repositoryId: { in: remove }, source: PLAN_SOURCE } });
  if (add.length) {
    await tx.repositoryGrant.createMany({ data: add.map((repositoryId) => ({ orgId, repositoryId, source: PLAN_SOURCE })), skipDuplicates: true });
    if (wholeReach.length) {
      await tx.registryTokenScope.createMany({ data: wholeReach.flatMap((token) => add.map((repositoryId) => ({ tokenId: token.id, repositoryId }))), skipDuplicates: true });
    }
  }
  const names = await tx.repository.findMany({ where: { id: { in: [...add, ...remove] } }, select: { id: true, name: true } });
  const nameOf = (id: string) => names.find((row) => row.id === id)?.name ?? id;
  await announceRegistryChange(tx, { kind: 'org', orgId });
  await recordAudit(tx, actor, {
    action: 'entitlement.plan_sync',
    target: { type: 'organization', id: orgId },
    orgId,
    after: { tier: tierOf(tier), added: add.map(nameOf).sort(), removed: remove.map(nameOf).sort() },
    metadata: { reason, widenedTokens: wholeReach.length },
  });
  return { added: add, removed: remove, widenedTokens: wholeReach.length };
}

// ── staff: what each plan includes ─────────────────────────────────────────

export async function listPlanRepositories(actor: Actor, db: Db = prisma) {
  assertStaffPermission(actor, 'repositories.view');
  const [rows, repositories] = await Promise.all([
    db.planRepository.findMany({ select: { tier: true, repositoryId: true } }),
    db.repository.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } }),
  ]);
  return TIER_KEYS.map((tier) => ({
    tier,
    label: TIERS[tier].label,
    /** Named for this tier itself. */
    own: rows.filter((row) => row.tier === tier).map((row) => row.repositoryId),
    /** Included from the plans below. */
    inherited: rows.filter((row) => row.tier !== tier && tierIncludes(tier, row.tier)).map((row) => row.repositoryId),
    repositories,
  }));
}

export const setPlanRepositoriesSchema = z.object({
  tier: z.enum(TIER_KEYS, { message: 'Choose community, team or enterprise.' }),
  repositoryIds: z.preprocess((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]), z.array(z.string().min(1)).max(500)),
});

/**
 * Sets the repositories a plan names and applies it to every customer whose
 * tier includes the plan, in one transaction (features.manage: what plans
 * contain is staff-admin's decision).
 */
export async function setPlanRepositories(actor: Actor, input: { tier: string; repositoryIds?: string | string[] }) {
  assertStaffPermission(actor, 'features.manage');
  const data = setPlanRepositoriesSchema.parse(input);
  const tier: Tier = data.tier;
  const ids = [...new Set(data.repositoryIds)];
  return prisma.$transaction(async (tx) => {
    const found = await tx.repository.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
    if (found.length !== ids.length) throw ValidationError.field('repositoryIds', 'Choose repositories from the list.');
    const before = await tx.planRepository.findMany({ where: { tier }, select: { repositoryId: true, repository: { select: { name: true } } } });
    await tx.planRepository.deleteMany({ where: { tier, repositoryId: { notIn: ids } } });
    await tx.planRepository.createMany({ data: ids.map((repositoryId) => ({ tier, repositoryId })), skipDuplicates: true });
    await recordAudit(tx, actor, {
      action: 'plan.repositories_update',
      target: { type: 'plan', id: tier },
      before: { repositories: before.map((row) => row.repository.name).sort() },
      after: { repositories: found.map((row) => row.name).sort() },
    });
    const affectedTiers = TIER_KEYS.filter((candidate) => tierIncludes(candidate, tier));
    const orgs = await tx.organization.findMany({ where: { tier: { in: affectedTiers }, status: { not: 'deactivated' } }, select: { id: true, tier: true }, orderBy: { id: 'asc' } });
    let changed = 0;
    for (const org of orgs) {
      await lockOrg(tx, org.id);
      const sync = await syncPlanGrants(tx, org.id, org.tier, actor, `plan ${tier} changed`);
      if (sync.added.length || sync.removed.length) changed++;
    }
    return { tier, repositories: found.map((row) => row.name).sort(), customersChanged: changed };
  });
}
