import type { NextRequest } from 'next/server';
import { log } from '@/lib/log';
import { errorLocation, handleOidcResponse } from '@/lib/sso/flow';
import { redirectTo } from '@/lib/sso/http';

/** Where an OIDC identity provider sends the browser back with its code. */
export async function GET(request: NextRequest) {
  try {
    return redirectTo(await handleOidcResponse(Object.fromEntries(request.nextUrl.searchParams)));
  } catch (error) {
    log.error({ err: error }, 'OIDC callback failed');
    return redirectTo(errorLocation('error'));
  }
}
