import 'server-only';
import { publicUrl } from '@/lib/platform/config/public-url';
import { prisma, type Db } from '@/lib/platform/db/client';
import { getSetting } from '@/lib/platform/settings';
import { env, type EnvSource } from '@/lib/platform/config/env';
export { salesHref } from './sales-href';

const CONTACT = /^(mailto:|https?:\/\/)/;

/**
 * Where "Contact sales" goes: `SALES_URL` (an https: page or a mailto:
 * address) when set, else the setting `sales.contact`, else sales@ the
 * portal's domain.
 */
export async function salesContact(db: Db = prisma, source?: EnvSource): Promise<string> {
  const configured = env('SALES_URL', source)?.trim();
  if (configured) return CONTACT.test(configured) ? configured : configured.includes('@') ? `mailto:${configured}` : fallbackContact();
  const value = await getSetting(db, 'sales.contact', fallbackContact());
  return CONTACT.test(value) ? value : fallbackContact();
}

function fallbackContact(): string {
  return `mailto:sales@${new URL(publicUrl()).hostname.replace(/^(www|portal)\./, '')}`;
}

