import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { NextResponse } from 'next/server';
import { signIn } from '@/lib/identity/auth/config';
import { publicUrl } from '@/lib/platform/config/public-url';
import { log } from '@/lib/platform/log';
import { errorLocation, FLOW_COOKIE, FLOW_TTL_SECONDS, type SsoCompletion } from './flow';
import { LINK_COOKIE, LINK_PATH, LINK_TTL_SECONDS } from './link';
import { autoPostPage, type AutoPost } from './post-form';
import { issueTicket } from './ticket';

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

/**
 * An auto-submitting form page (SAML HTTP-POST binding) under its own
 * Content-Security-Policy (lib/identity/sso/post-form.ts), which the site-wide
 * headers keep since the response sets one. With the flow cookie when it
 * starts a sign-in.
 */
export function autoPostResponse(post: AutoPost, cookie?: string): NextResponse {
  const page = autoPostPage(post);
  const response = new NextResponse(page.html, {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': page.csp,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
  });
  if (cookie) response.cookies.set({ ...flowCookieOptions(), value: cookie });
  return response;
}

export function linkCookieOptions() {
  return { name: LINK_COOKIE, httpOnly: true, sameSite: 'lax' as const, secure: publicUrl().startsWith('https://'), path: LINK_PATH, maxAge: LINK_TTL_SECONDS };
}

/** Where a completed SSO flow sends the browser: a connection test's report, a link to confirm, or a new session. */
export async function completionResponse(done: SsoCompletion): Promise<NextResponse> {
  if (done.kind === 'test') {
    const target = new URL(done.next, 'http://placeholder');
    target.searchParams.set('sso_test', done.result);
    return redirectTo(`${target.pathname}${target.search}`);
  }
  if (done.kind === 'link') {
    const response = redirectTo(LINK_PATH);
    response.cookies.set({ ...linkCookieOptions(), value: done.pending });
    return response;
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
