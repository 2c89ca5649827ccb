import { demoIdp, demoIdpEnabled } from '@/lib/identity/sso/demo-idp';
import { problemResponse } from '@/lib/platform/problem';

/** The demo IdP's SAML metadata (demo and development mode only). */
export async function GET() {
  if (!demoIdpEnabled()) return problemResponse(404, 'The demo IdP is off.');
  return new Response((await demoIdp()).metadata(), { headers: { 'content-type': 'application/xml; charset=utf-8' } });
}
