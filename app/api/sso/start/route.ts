import type { NextRequest } from 'next/server';
import { currentActor } from '@/lib/identity/auth/session';
import { log } from '@/lib/platform/log';
import { SsoError } from '@/lib/identity/sso/errors';
import { errorLocation, startSso } from '@/lib/identity/sso/flow';
import { autoPostResponse, flowCookieOptions, redirectTo } from '@/lib/identity/sso/http';

/** GET /api/sso/start?connection=<id>[&next=/path][&login_hint=email][&mode=test], or ?staff=1[&next=/admin/…] for the vendor's staff IdP: off to the IdP. */
export async function GET(request: NextRequest) {
  const params = request.nextUrl.searchParams;
  const mode = params.get('mode') === 'test' ? 'test' : 'signin';
  try {
    const started = await startSso({
      connectionId: params.get('connection') ?? '',
      staff: params.get('staff') === '1',
      next: params.get('next'),
      loginHint: params.get('login_hint') ?? undefined,
      mode,
      actor: mode === 'test' ? await currentActor() : undefined,
    });
    if (started.post) return autoPostResponse(started.post, started.cookie);
    const response = redirectTo(started.redirectUrl!, 302);
    response.cookies.set({ ...flowCookieOptions(), value: started.cookie });
    return response;
  } catch (error) {
    if (!(error instanceof SsoError)) log.error({ err: error }, 'SSO start failed');
    return redirectTo(errorLocation(error instanceof SsoError ? error.reason : 'error'));
  }
}
