import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import type { Db } from '@/lib/platform/db/client';
import { NotFoundError } from '@/lib/platform/errors';
import { followTierChange } from '@/lib/product/licensing/follow-tier';
import { announceRegistryChange } from '@/lib/product/registry/credentials';
import { syncPlanGrants } from '@/lib/product/registry/plans';
import type { Tier } from './plans';

export interface TierChange {
  actor: Actor;
  tier: Tier;
  /** Why, for the audit log: subscription, past_due_grace_expired, manual, sync, ... */
  reason: string;
  stripeEventId?: string | null;
  now?: Date;
}

/**
 * The one place an organization's tier changes. Call it inside the
 * transaction that caused the change (a webhook, a staff override, a
 * reconciliation), with the org row locked, so the change, its audit event
 * and everything that follows from the tier commit together: features follow
 * the tier at once (decideFeature reads it), plan grants are added and
 * removed (tokens follow at once), and the license follows the tier
 * (followTierChange: re-issued for the new tier, the old one revoked and
 * linked, by the billing system).
 */
export async function applyTierChange(tx: Db, orgId: string, change: TierChange): Promise<{ changed: boolean; from: string; to: Tier }> {
  const org = await tx.organization.findUnique({ where: { id: orgId }, select: { id: true, tier: true, status: true } });
  if (!org) throw new NotFoundError('Organization not found');
  if (org.tier === change.tier) return { changed: false, from: org.tier, to: change.tier };
  await tx.organization.update({ where: { id: orgId }, data: { tier: change.tier } });
  await recordAudit(tx, change.actor, {
    action: 'billing.tier_change',
    target: { type: 'organization', id: orgId },
    orgId,
    before: { tier: org.tier },
    after: { tier: change.tier },
    metadata: { reason: change.reason, ...(change.stripeEventId ? { stripeEventId: change.stripeEventId } : {}) },
  });
  // Gateways read the customer's limits (pull quota) again.
  await announceRegistryChange(tx, { kind: 'org', orgId });
  // Plan grants follow the tier in this transaction; manual ones stay (lib/product/registry/plans.ts).
  if (org.status !== 'deactivated') await syncPlanGrants(tx, orgId, change.tier, change.actor, `tier ${org.tier} → ${change.tier}: ${change.reason}`, change.now ?? new Date());
  // The license follows the tier (re-issued, or none for an inactive customer): lib/product/licensing/follow-tier.ts.
  await followTierChange(tx, { orgId, orgStatus: org.status, from: org.tier, to: change.tier, reason: change.reason, stripeEventId: change.stripeEventId }, change.now ?? new Date());
  return { changed: true, from: org.tier, to: change.tier };
}
