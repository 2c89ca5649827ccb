import 'server-only';
import { systemActor } from '@/lib/identity/auth/actor';
import type { Db } from '@/lib/platform/db/client';
import { log } from '@/lib/platform/log';
import { currentLicense } from '@/lib/plans/license';
import type { Tier } from '@/lib/plans/tiers';
import { issueLicenseTx, reissueLicenseTx } from './issue';

export interface LicenseTierChange {
  orgId: string;
  /** The org's status: only an active customer gets a new license. */
  orgStatus: string;
  from: string;
  to: Tier;
  /** Why the tier changed (subscription, manual, sync, ...), for the old license's revocation reason. */
  reason: string;
  stripeEventId?: string | null;
}

/**
 * What a tier change does to licenses, the one call billing makes into
 * licensing (applyTierChange, in the same transaction): the current license
 * is re-issued for the new tier (features and limits recomputed; the old one
 * revoked and linked), or a first one is issued, as `system:billing`. A
 * suspended or deactivated customer gets none; staff re-issue on
 * reactivation. Answers the new license, or null when none was issued.
 */
export async function followTierChange(tx: Db, change: LicenseTierChange, now = new Date()) {
  if (change.orgStatus !== 'active') {
    log.info({ orgId: change.orgId, status: change.orgStatus, tier: change.to }, 'tier changed; license not re-issued for an inactive organization');
    return null;
  }
  const actor = systemActor('billing');
  const reason = `Tier ${change.from} → ${change.to}: ${change.reason}${change.stripeEventId ? ` (Stripe ${change.stripeEventId})` : ''}`.slice(0, 200);
  const current = await currentLicense(tx, change.orgId, now);
  if (current && current.expiresAt > now) {
    return reissueLicenseTx(tx, actor, { licenseId: current.id, tier: change.to, reason, resetToTier: true }, now);
  }
  return issueLicenseTx(tx, actor, { orgId: change.orgId, tier: change.to }, now);
}
