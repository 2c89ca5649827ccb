import 'server-only';
import type { Db } from '@/lib/platform/db/client';
import { FEATURES, type KnownFeature } from './catalog';
import { getFeatureDecision, requireFeature } from './license';

/**
 * Portal features (catalog kind `portal`) are enforced here, server-side.
 * Services call `requirePortalFeature` after `authorizeOrg`; staff acting
 * from the dashboard pass (they may prepare a customer's settings before an
 * upgrade). What a downgrade does to data the customer already has:
 *
 * - sso: connections, domains and group mappings are kept but inactive:
 *   nobody signs in through them, "SSO required" no longer refuses
 *   passwords, and nothing can be added or changed (removing stays allowed);
 * - rbac: custom roles are frozen: members who hold one keep its
 *   permissions, but roles cannot be created, edited or assigned (deleting
 *   an unused one stays allowed);
 * - audit_log: events keep being recorded (and kept per retention), but the
 *   customer cannot view or export them until the tier includes it again;
 * - audit_streaming: destinations are kept and paused; their cursor stays, so
 *   delivery resumes from where it stopped after an upgrade.
 */

export interface PortalAccess {
  org: { id: string };
  viaStaff: boolean;
}

export async function requirePortalFeature(db: Db, access: PortalAccess, feature: KnownFeature): Promise<void> {
  if (FEATURES[feature].kind !== 'portal') throw new Error(`${feature} is a product feature: the product enforces it, not Portcullis`);
  if (access.viaStaff) return;
  await requireFeature(db, access.org.id, feature);
}

/** Whether a portal feature works for the org now (e.g. SSO connections are active). */
export async function portalFeatureActive(db: Db, orgId: string, feature: KnownFeature, now = new Date()): Promise<boolean> {
  return (await getFeatureDecision(db, orgId, feature, now)).allowed;
}

export interface DowngradeEffect {
  feature: KnownFeature;
  label: string;
  count: number;
  /** What happened to what the customer has, in one sentence. */
  message: string;
}

/** What the org keeps but cannot use after a downgrade, for the notice on the affected pages. */
export async function downgradeEffects(db: Db, orgId: string, features: readonly KnownFeature[] = ['sso', 'rbac', 'audit_streaming'], now = new Date()): Promise<DowngradeEffect[]> {
  const out: DowngradeEffect[] = [];
  for (const feature of features) {
    if (await portalFeatureActive(db, orgId, feature, now)) continue;
    const label = FEATURES[feature].label;
    if (feature === 'sso') {
      const count = await db.ssoConnection.count({ where: { orgId } });
      if (count) out.push({ feature, label, count, message: `${count} SSO connection${count === 1 ? ' is' : 's are'} kept but inactive: members sign in with their password, and "SSO required" is not enforced until the plan includes single sign-on again.` });
    } else if (feature === 'rbac') {
      const count = await db.role.count({ where: { orgId } });
      if (count) out.push({ feature, label, count, message: `${count} custom role${count === 1 ? ' is' : 's are'} frozen: members who hold one keep its permissions, but custom roles cannot be created, edited or assigned until the plan includes them again.` });
    } else if (feature === 'audit_streaming') {
      const count = await db.siemDestination.count({ where: { orgId } });
      if (count) out.push({ feature, label, count, message: `${count} streaming destination${count === 1 ? ' is' : 's are'} paused: nothing is sent until the plan includes audit streaming again, then delivery resumes where it stopped.` });
    }
  }
  return out;
}

