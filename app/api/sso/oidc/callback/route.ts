import { cookies, headers } from 'next/headers';
import type { NextRequest } from 'next/server';
import { clientIp } from '@/lib/identity/auth/request';
import { log } from '@/lib/platform/log';
import { SsoError } from '@/lib/identity/sso/errors';
import { completeOidc, errorLocation, FLOW_COOKIE } from '@/lib/identity/sso/flow';
import { completionResponse, redirectTo } from '@/lib/identity/sso/http';

/** Where an OIDC identity provider sends the browser back with its code: verify, provision, start the session. */
export async function GET(request: NextRequest) {
  const jar = await cookies();
  const requestHeaders = await headers();
  const flowCookie = jar.get(FLOW_COOKIE)?.value ?? null;
  jar.delete({ name: FLOW_COOKIE, path: '/api/sso' });
  let done: Awaited<ReturnType<typeof completeOidc>>;
  try {
    done = await completeOidc({ params: request.nextUrl.searchParams, flowCookie, ip: clientIp(requestHeaders), userAgent: requestHeaders.get('user-agent') });
  } catch (error) {
    if (!(error instanceof SsoError)) log.error({ err: error }, 'OIDC callback failed');
    else log.info({ reason: error.reason, detail: error.detail }, 'SSO sign-in refused');
    return redirectTo(errorLocation(error instanceof SsoError ? error.reason : 'error'));
  }
  // Outside the try: starting the session answers with a redirect thrown as control flow.
  return completionResponse(done);
}
