import { cookies, headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import type { NextRequest } from 'next/server';
import { signIn } from '@/lib/auth/config';
import { clientIp } from '@/lib/auth/request';
import { log } from '@/lib/log';
import { SsoError } from '@/lib/sso/errors';
import { completeSso, errorLocation, FLOW_COOKIE } from '@/lib/sso/flow';
import { redirectTo } from '@/lib/sso/http';
import { issueTicket } from '@/lib/sso/ticket';

/** Jackson's redirect target: redeem the code, provision, start the session. */
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
  if (done.kind === 'test') {
    const target = new URL(done.next, 'http://placeholder');
    target.searchParams.set('sso_test', done.result);
    return redirectTo(`${target.pathname}${target.search}`);
  }
  try {
    await signIn('sso', { ticket: issueTicket(done.userId, done.protocol), redirectTo: done.next });
  } catch (error) {
    unstable_rethrow(error); // success is a redirect
    log.error({ err: error }, 'SSO session could not be started');
    return redirectTo(errorLocation('error'));
  }
  return redirectTo(done.next);
}
