import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, settleClientAddress, trustedProxyHops } from './client-address';

describe('trustedProxyHops', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['false', 0],
    ['0', 0],
    ['true', 1],
    ['TRUE', 1],
    ['1', 1],
    ['2', 2],
  ])('reads TRUST_PROXY=%s as %i hops', (value, hops) => {
    expect(trustedProxyHops(value)).toBe(hops);
  });

  it.each(['yes', '-1', '1.5', 'loopback', '10.0.0.0/8'])('refuses TRUST_PROXY=%s rather than guess', (value) => {
    expect(() => trustedProxyHops(value)).toThrow(/TRUST_PROXY must be/);
  });
});

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever the client claims', () => {
    expect(clientAddress('203.0.113.7', '198.51.100.1', 0)).toBe('203.0.113.7');
    expect(clientAddress('::ffff:203.0.113.7', undefined, 0)).toBe('203.0.113.7');
  });

  it('with one trusted proxy takes the right-most hop, never what the client prepended', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '198.51.100.1, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', ['198.51.100.1', '203.0.113.7'], 1)).toBe('203.0.113.7');
  });

  it('counts hops from the right with several proxies', () => {
    // client → CDN (appends the client) → load balancer (appends the CDN) → us
    expect(clientAddress('10.0.0.3', '6.6.6.6, 203.0.113.7, 192.0.2.50', 2)).toBe('203.0.113.7');
  });

  it('takes the furthest hop when the chain is shorter than the trusted proxies', () => {
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.3', '203.0.113.7', 2)).toBe('203.0.113.7');
  });

  it('strips ports, brackets and the IPv4-mapped prefix, and skips garbage towards the server', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.7:51234', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', '[2001:db8::1]:443', 1)).toBe('2001:db8::1');
    expect(clientAddress('10.0.0.2', '::ffff:203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', 'unknown', 1)).toBe('10.0.0.2');
    expect(clientAddress(undefined, '<script>', 0)).toBeNull();
  });
});

describe('settleClientAddress', () => {
  const request = (headers: Record<string, string>, peer = '127.0.0.1') =>
    ({ headers: { host: 'portal.example', ...headers }, socket: { remoteAddress: peer } }) as unknown as IncomingMessage;

  it('replaces every forwarding header a client sent when no proxy is trusted', () => {
    const req = request({ 'x-forwarded-for': '198.51.100.1', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'for=1.2.3.4', 'x-real-ip': '1.2.3.4' });
    expect(settleClientAddress(req, 0)).toBe('127.0.0.1');
    expect(req.headers).toEqual({ host: 'portal.example', 'x-forwarded-for': '127.0.0.1' });
  });

  it('keeps what the nearest trusted proxy said about host and scheme', () => {
    const req = request({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7', 'x-forwarded-host': 'evil.example, portal.example', 'x-forwarded-proto': 'https' }, '10.0.0.2');
    expect(settleClientAddress(req, 1)).toBe('203.0.113.7');
    expect(req.headers).toMatchObject({ 'x-forwarded-for': '203.0.113.7', 'x-forwarded-host': 'portal.example', 'x-forwarded-proto': 'https' });
  });

  it('decides once per request', () => {
    const req = request({ 'x-forwarded-for': '203.0.113.7' }, '10.0.0.2');
    expect(settleClientAddress(req, 1)).toBe('203.0.113.7');
    expect(settleClientAddress(req, 1)).toBe('203.0.113.7');
    expect(req.headers['x-forwarded-for']).toBe('203.0.113.7');
  });
});
