import 'server-only';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { publicUrl } from '@/lib/platform/config/public-url';

/**
 * The browser-facing security headers of every response the server sends:
 * pages, route handlers, Next's static files and error pages, and the
 * registry gateway's raw responses.
 *
 * They are filled in when the response's headers are written, and only
 * where the handler has not set the same header itself: a route handler
 * that serves its own document (an IdP's auto-submitting form) sets its own
 * Content-Security-Policy and keeps it. Next.js, by contrast, never replaces
 * a header already on the response, which is why nothing is set up front.
 */

/** Pages: scripts only with this request's nonce (Next.js puts it on its own scripts), nothing framed, nothing from elsewhere. */
export function pagePolicy(nonce: string, options: { dev?: boolean; https?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': chunks loaded by a nonce'd script are trusted; React's dev build needs eval for its error overlay.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    // Inline style attributes and the toast library's injected <style> carry no nonce; CSS cannot run script.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Responses that are never documents (the registry API, blobs): nothing may load or frame them. */
export const NO_CONTENT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), browsing-topics=()';

/** Every header but the CSP, identical on every response. */
export function baseSecurityHeaders(https = publicUrl().startsWith('https://')): [string, string][] {
  return [
    ['X-Frame-Options', 'DENY'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
    ['Permissions-Policy', PERMISSIONS_POLICY],
    ...(https ? [['Strict-Transport-Security', 'max-age=63072000; includeSubDomains'] as [string, string]] : []),
  ];
}

/** Adds `headers` to `res` when it writes its head (explicitly or implicitly), except those the handler already set. */
export function addHeadersOnWrite(res: ServerResponse, headers: [string, string][]): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    for (const [name, value] of headers) if (!this.hasHeader(name)) this.setHeader(name, value);
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['writeHead'];
}

/**
 * For a request Next.js will answer: a fresh nonce, handed to Next.js in the
 * request's CSP header (from which it takes the nonce for its scripts; a
 * client's own CSP or x-nonce request header is overwritten) and `x-nonce`,
 * and the headers the response will carry.
 */
export function secureNextRequest(req: IncomingMessage, res: ServerResponse, options: { dev?: boolean } = {}): string {
  const https = publicUrl().startsWith('https://');
  const nonce = randomBytes(16).toString('base64');
  const policy = pagePolicy(nonce, { dev: options.dev, https });
  req.headers['content-security-policy'] = policy;
  req.headers['x-nonce'] = nonce;
  delete req.headers['content-security-policy-report-only'];
  addHeadersOnWrite(res, [['Content-Security-Policy', policy], ...baseSecurityHeaders(https)]);
  return nonce;
}

/** For a response that is never a document: the registry gateway's. */
export function secureApiResponse(res: ServerResponse): void {
  addHeadersOnWrite(res, [['Content-Security-Policy', NO_CONTENT_POLICY], ...baseSecurityHeaders()]);
}
