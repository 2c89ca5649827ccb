import type { NextRequest } from 'next/server';
import { responsePost } from '@/lib/identity/sso/idp/saml-idp';
import { DEMO_IDP_USERS, demoIdp, demoIdpEnabled, demoIdpPage, demoSpMetadata } from '@/lib/identity/sso/demo-idp';
import { autoPostResponse } from '@/lib/identity/sso/http';
import { problemResponse } from '@/lib/platform/problem';

const html = (page: { html: string; csp: string }, status = 200) =>
  new Response(page.html, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': page.csp } });

/** The demo IdP's single sign-on endpoint: shows who you can be (demo and development mode only). */
export async function GET(request: NextRequest) {
  if (!demoIdpEnabled()) return problemResponse(404, 'The demo IdP is off.');
  return html(demoIdpPage(Object.fromEntries(request.nextUrl.searchParams)));
}

/** Signs a response for the chosen demo user and posts it to the ACS; without a SAMLRequest it is IdP-initiated. */
export async function POST(request: Request) {
  if (!demoIdpEnabled()) return problemResponse(404, 'The demo IdP is off.');
  const form = await request.formData();
  const user = DEMO_IDP_USERS.find((u) => u.email === form.get('email'));
  if (!user) return problemResponse(400, 'Choose one of the demo users.');
  const idp = await demoIdp();
  const spMetadata = await demoSpMetadata();
  const samlRequest = form.get('SAMLRequest');
  const post =
    typeof samlRequest === 'string' && samlRequest
      ? await idp.respond(spMetadata, { SAMLRequest: samlRequest, RelayState: String(form.get('RelayState') ?? '') }, user)
      : await idp.unsolicited(spMetadata, user);
  return autoPostResponse(responsePost(post));
}
