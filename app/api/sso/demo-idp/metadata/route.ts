import { demoIdp, demoIdpEnabled } from '@/lib/identity/sso/demo-idp';

/** The demo IdP's SAML metadata (demo and development mode only). */
export async function GET() {
  if (!demoIdpEnabled()) return new Response('Not found', { status: 404 });
  return new Response((await demoIdp()).metadata(), { headers: { 'content-type': 'application/xml; charset=utf-8' } });
}
