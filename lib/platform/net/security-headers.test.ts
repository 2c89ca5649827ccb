import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { baseSecurityHeaders, pagePolicy, secureApiResponse } from './security-headers';

describe('pagePolicy', () => {
  it('runs scripts only with the nonce and frames nothing', () => {
    const policy = pagePolicy('bm9uY2U=');
    const scripts = policy.split('; ').find((directive) => directive.startsWith('script-src'))!;
    expect(scripts).toBe("script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).not.toContain('upgrade-insecure-requests');
  });

  it("allows eval only in development, and upgrades requests over https", () => {
    expect(pagePolicy('n', { dev: true })).toContain("'strict-dynamic' 'unsafe-eval'");
    expect(pagePolicy('n')).not.toContain('unsafe-eval');
    expect(pagePolicy('n', { https: true })).toContain('upgrade-insecure-requests');
  });
});

describe('baseSecurityHeaders', () => {
  it('adds HSTS only when the public URL is https', () => {
    expect(Object.fromEntries(baseSecurityHeaders(false))).toEqual({
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
      'Permissions-Policy': expect.stringContaining('camera=()'),
    });
    expect(Object.fromEntries(baseSecurityHeaders(true))['Strict-Transport-Security']).toBe('max-age=63072000; includeSubDomains');
  });
});

describe('headers on write', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  it('fill in what the handler did not set, and never replace what it did', async () => {
    const server = createServer((req, res) => {
      secureApiResponse(res);
      if (req.url === '/own') res.setHeader('Content-Security-Policy', "default-src 'self'");
      if (req.url === '/head') return void res.writeHead(200, { 'content-security-policy': "script-src 'none'", 'X-Frame-Options': 'SAMEORIGIN' }).end();
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const plain = await fetch(`${base}/`);
    expect(plain.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${base}/own`)).headers.get('content-security-policy')).toBe("default-src 'self'");
    const head = await fetch(`${base}/head`);
    expect(head.headers.get('content-security-policy')).toBe("script-src 'none'");
    expect(head.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(head.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });
});
