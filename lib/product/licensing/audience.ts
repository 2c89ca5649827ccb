import 'server-only';
import { prisma, type Db } from '@/lib/platform/db/client';
import { getSetting } from '@/lib/platform/settings';

export const DEFAULT_AUDIENCE = 'self-hosted-product';

/** The `aud` licenses carry: setting `licenses.audience`; the product's kit checks it. */
export async function licenseAudience(db: Db = prisma): Promise<string> {
  return getSetting(db, 'licenses.audience', DEFAULT_AUDIENCE);
}
