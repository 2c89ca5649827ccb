import 'server-only';
import type { Db } from './client';

/**
 * Row lock on one organization until the transaction ends: serializes every
 * change to its people (owner counts, seat quota), its tier and billing, and
 * its plan grants.
 */
export async function lockOrg(tx: Db, orgId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM organizations WHERE id = ${orgId} FOR UPDATE`;
}
