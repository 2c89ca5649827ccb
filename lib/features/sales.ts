import { publicUrl } from '@/lib/config/public-url';
import { prisma, type Db } from '@/lib/db/client';
import { getSetting } from '@/lib/settings';

/** Where "Contact sales" goes: setting `sales.contact` (a mailto: or https: URL), by default sales@ the portal's domain. */
export async function salesContact(db: Db = prisma): Promise<string> {
  const fallback = `mailto:sales@${new URL(publicUrl()).hostname.replace(/^(www|portal)\./, '')}`;
  const value = await getSetting(db, 'sales.contact', fallback);
  return /^(mailto:|https?:\/\/)/.test(value) ? value : fallback;
}
