import { cookies, headers } from 'next/headers';
import type { NextRequest } from 'next/server';
import { clientIp } from '@/lib/identity/auth/request';
import { log } from '@/lib/platform/log';
import { SsoError } from '@/lib/identity/sso/errors';
import { completeSso, errorLocation, FLOW_COOKIE } from '@/lib/identity/sso/flow';
import { completionResponse, redirectTo } from '@/lib/identity/sso/http';

/** Jackson's redirect target after a SAML response: redeem the code, provision, start the session. */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const jar = await cookies();
  const requestHeaders = await headers();
  const flowCookie = jar.get(FLOW_COOKIE)?.value ?? null;
  jar.delete({ name: FLOW_COOKIE, path: '/api/sso' });
  let done: Awaited<ReturnType<typeof completeSso>>;
  try {
    done = await completeSso({
      code: params.get('code'),
      state: params.get('state'),
      cid: params.get('cid'),
      sig: params.get('sig'),
      error: params.get('error'),
      flowCookie,
      ip: clientIp(requestHeaders),
      userAgent: requestHeaders.get('user-agent'),
    });
  } catch (error) {
    if (!(error instanceof SsoError)) log.error({ err: error }, 'SSO callback failed');
    else log.info({ reason: error.reason, detail: error.detail }, 'SSO sign-in refused');
    return redirectTo(errorLocation(error instanceof SsoError ? error.reason : 'error'));
  }
  // Outside the try: starting the session answers with a redirect thrown as control flow.
  return completionResponse(done);
}
