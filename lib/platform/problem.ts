import 'server-only';
import { isAppError } from './errors';
import { log } from './log';

/**
 * The one shape in which route handlers answer errors: RFC 9457 problem
 * details (`application/problem+json`), never cached. (The licensed product's
 * online API, lib/product/licensing/online.ts, keeps its own documented error
 * bodies: docs/licensing.md is a contract products are built against.)
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Too large',
  422: 'Invalid input',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Unavailable',
};

export function problemResponse(status: number, detail: string, headers: Record<string, string> = {}): Response {
  const body = { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...headers } });
}

/** A route handler's failure: a service's own error with its status and message; anything else logged and a generic 500. */
export function routeErrorResponse(error: unknown, what: string): Response {
  if (isAppError(error)) return problemResponse(error.status, error.message);
  log.error({ err: error }, `${what} failed`);
  return problemResponse(500, 'Something went wrong on our side.');
}
