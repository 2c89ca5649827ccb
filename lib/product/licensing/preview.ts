import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { canonicalClaimsJson } from './claims';
import { LICENSE_TYPE, signCompact } from './jws';
import type { LicenseView } from './license-row';
import { privateKeyFor } from './signing-keys';

/**
 * The token for a license a page has already authorized (getLicense), for
 * showing and copying on the detail page. Not audited, unlike licenseToken()
 * (downloads): showing the page is a view, as the claims beside it are.
 */
export async function previewLicenseToken(license: LicenseView): Promise<{ ok: true; token: string } | { ok: false; message: string }> {
  if (license.keyStatus === 'retired') return { ok: false, message: 'The key that signed this license has been retired, so it no longer verifies. Re-issue it.' };
  const key = await privateKeyFor(prisma, license.kid);
  return { ok: true, token: signCompact({ alg: 'EdDSA', kid: license.kid, typ: LICENSE_TYPE }, canonicalClaimsJson(license.claims), key) };
}
