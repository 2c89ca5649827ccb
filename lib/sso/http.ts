import 'server-only';
import { NextResponse } from 'next/server';
import { publicUrl } from '@/lib/config/public-url';
import { FLOW_COOKIE, FLOW_TTL_SECONDS } from './flow';

/** Absolute URL on the portal's public origin (where Jackson sends browsers back, so where the cookies live). */
export function absolute(location: string): URL {
  return new URL(location, `${publicUrl()}/`);
}

export function redirectTo(location: string, status = 303): NextResponse {
  return NextResponse.redirect(absolute(location), status);
}

export function flowCookieOptions(maxAge = FLOW_TTL_SECONDS) {
  return {
    name: FLOW_COOKIE,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: publicUrl().startsWith('https://'),
    path: '/api/sso',
    maxAge,
  };
}

/** The IdP's auto-submitting form for HTTP-POST binding, served as a page. */
export function htmlResponse(html: string, cookie?: string): NextResponse {
  const response = new NextResponse(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
  if (cookie) response.cookies.set({ ...flowCookieOptions(), value: cookie });
  return response;
}
