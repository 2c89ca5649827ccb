import { describe, expect, it } from 'vitest';
import { ForbiddenError } from './errors';
import { problemResponse, routeErrorResponse } from './problem';

describe('route errors', () => {
  it('answers RFC 9457 problem details, never cached', async () => {
    const response = problemResponse(401, 'Sign in to continue.', { 'www-authenticate': 'Bearer' });
    expect(response.status).toBe(401);
    expect(Object.fromEntries(response.headers)).toMatchObject({ 'content-type': 'application/problem+json', 'cache-control': 'no-store', 'www-authenticate': 'Bearer' });
    expect(await response.json()).toEqual({ type: 'about:blank', title: 'Sign in required', status: 401, detail: 'Sign in to continue.' });
  });

  it("passes a service's own error through and hides anything else behind a generic 500", async () => {
    const own = routeErrorResponse(new ForbiddenError('Only billing staff may do that.'), 'test');
    expect([own.status, (await own.json()).detail]).toEqual([403, 'Only billing staff may do that.']);
    const crash = routeErrorResponse(new Error('connection string postgres://secret@db'), 'test');
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('secret');
  });
});
