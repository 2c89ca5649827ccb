import 'server-only';
import { Prisma, type Db } from '@/lib/platform/db/client';
import { currentLicense } from '@/lib/plans/license';
import type { Limits } from '@/lib/plans/tiers';
import { announceRegistryChange } from '@/lib/product/registry/credentials';
import type { LicenseClaims } from './claims';
import { licenseStatus } from './status';

/**
 * A stored license as the licensing services load it, show it and audit it,
 * and the org's recorded expiry that follows its current license. Shared by
 * issue.ts, revoke.ts and read.ts.
 */

export const licenseInclude = {
  org: { select: { id: true, name: true, slug: true, tier: true } },
  signingKey: { select: { kid: true, status: true } },
  replacedBy: { select: { id: true, jti: true } },
  replaces: { select: { id: true, jti: true } },
} as const;

export type LicenseRow = Prisma.LicenseKeyGetPayload<{ include: typeof licenseInclude }>;

/** What callers see of a license (no private material exists on it anyway). */
export function licenseView(row: LicenseRow, now = new Date()) {
  return {
    id: row.id,
    jti: row.jti,
    orgId: row.orgId,
    org: row.org,
    tier: row.tier,
    features: row.features,
    limits: row.limits as Limits,
    claims: row.claims as unknown as LicenseClaims,
    issuedAt: row.issuedAt,
    notBefore: row.notBefore,
    expiresAt: row.expiresAt,
    graceDays: row.graceDays,
    revokedAt: row.revokedAt,
    revokedReason: row.revokedReason,
    replaces: row.replaces,
    replacedBy: row.replacedBy,
    issuedBy: row.issuedBy,
    kid: row.signingKey.kid,
    keyStatus: row.signingKey.status,
    status: licenseStatus({ ...row, replacedById: row.replacedBy?.id ?? null }, now),
  };
}
export type LicenseView = ReturnType<typeof licenseView>;

/** What the audit log records of a license. */
export function licenseSummary(license: LicenseView) {
  return { jti: license.jti, tier: license.tier, features: license.features, limits: license.limits, notBefore: license.notBefore, expiresAt: license.expiresAt, graceDays: license.graceDays, kid: license.kid };
}

/** Points the org's recorded expiry at its current license. */
export async function syncOrgExpiry(tx: Db, orgId: string, now: Date) {
  const current = await currentLicense(tx, orgId, now);
  if (!current) return;
  await tx.organization.update({ where: { id: orgId }, data: { licenseExpiresAt: current.expiresAt } });
  // The gateway's perpetual fallback reads the expiry: its cached credentials must follow.
  await announceRegistryChange(tx, { kind: 'org', orgId });
}
