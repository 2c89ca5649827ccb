import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, OutboundError, outboundRequest, parseOutboundUrl } from './outbound';

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'CGNAT'],
    ['198.18.0.1', 'benchmarking 198.18/15'],
    ['198.19.255.255', 'benchmarking 198.18/15'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::7f00:1', 'IPv4-compatible loopback'],
    ['::127.0.0.1', 'IPv4-compatible loopback, dotted'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of the metadata address'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'IPv6 link-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2001:0:4136:e378::1', 'Teredo'],
    ['2001:db8::1', 'documentation'],
    ['[::1]', 'bracketed loopback'],
    ['localhost', 'a name, not an address'],
    ['01.02.03.04', 'octal-looking IPv4'],
  ])('refuses %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('parseOutboundUrl', () => {
  it.each([
    'javascript://localhost/%0Aalert(1)',
    'javascript:alert(1)',
    'data:text/html,hi',
    'file:///etc/passwd',
    'ftp://example.com/',
    'http://example.com/',
    'https://example.com/\nx',
    'https://exa mple.com/',
    ' https://example.com/',
    'https://user:pass@example.com/',
    'https:/example.com',
    'https:\\\\example.com',
    '//example.com/',
    'https://',
  ])('refuses %j', (raw) => {
    expect(() => parseOutboundUrl(raw)).toThrow(OutboundError);
  });

  it('accepts https, and http only when allowed', () => {
    expect(parseOutboundUrl('https://idp.example.com/metadata?x=1').hostname).toBe('idp.example.com');
    expect(() => parseOutboundUrl('http://idp.example.com/')).toThrow(OutboundError);
    expect(parseOutboundUrl('HTTP://idp.example.com/', { allowHttp: true }).protocol).toBe('http:');
  });
});

describe('outboundRequest', () => {
  let server: Server;
  let port: number;
  const secretBody = 'internal-secret-7f3a';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      }
      if (req.url === '/big') return res.end(Buffer.alloc(64 * 1024, 'x'));
      if (req.url === '/stall') return; // never answers
      if (req.url === '/error') {
        res.writeHead(500);
        return res.end(secretBody);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, method: req.method, host: req.headers.host }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a loopback server without the development switch, and says nothing about it', async () => {
    const error = await outboundRequest(`http://127.0.0.1:${port}/error`, { allowPrivate: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutboundError);
    expect((error as OutboundError).reason).toBe('forbidden_address');
    expect((error as Error).message).not.toContain('127.0.0.1');
    await expect(outboundRequest(`http://localhost:${port}/`, { allowPrivate: false })).rejects.toMatchObject({ reason: 'forbidden_address' });
    await expect(outboundRequest(`http://[::ffff:127.0.0.1]:${port}/`, { allowPrivate: false })).rejects.toMatchObject({ reason: 'forbidden_address' });
  });

  it('refuses a name when any of its addresses is private', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    await expect(outboundRequest('https://mixed.example/', { allowPrivate: false, resolve })).rejects.toMatchObject({ reason: 'forbidden_address' });
  });

  it('connects to the address it checked, never resolving the name again', async () => {
    let lookups = 0;
    // rebind.invalid resolves nowhere else: reaching the server proves the socket used the checked answer.
    const resolve = async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const response = await outboundRequest(`http://rebind.invalid:${port}/`, { allowPrivate: true, resolve });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body.toString()).host).toBe(`rebind.invalid:${port}`);
    expect(lookups).toBe(1);
  });

  it('posts a body and returns a redirect as it is, without following it', async () => {
    const posted = await outboundRequest(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}', allowPrivate: true });
    expect(JSON.parse(posted.body.toString()).method).toBe('POST');
    const redirected = await outboundRequest(`http://127.0.0.1:${port}/redirect`, { allowPrivate: true });
    expect(redirected.status).toBe(302);
  });

  it('keeps a deadline and a size cap', async () => {
    const started = Date.now();
    await expect(outboundRequest(`http://127.0.0.1:${port}/stall`, { allowPrivate: true, timeoutMs: 300 })).rejects.toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(outboundRequest(`http://127.0.0.1:${port}/big`, { allowPrivate: true, maxResponseBytes: 1024 })).rejects.toMatchObject({ reason: 'too_large' });
  });

  it('reports an unreachable or unresolvable host generically', async () => {
    const closed = await outboundRequest('http://127.0.0.1:1/', { allowPrivate: true }).catch((e: unknown) => e as OutboundError);
    expect(closed).toMatchObject({ reason: 'unreachable', message: 'Could not reach this URL.' });
    await expect(outboundRequest('https://nothing.invalid/', { allowPrivate: false })).rejects.toMatchObject({ reason: 'unresolvable' });
  });

  it('honours OUTBOUND_ALLOW_PRIVATE_URLS and its SIEM alias, and nothing else (not NODE_ENV either)', async () => {
    const saved = { ...process.env };
    try {
      delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
      delete process.env.SIEM_ALLOW_PRIVATE_URLS;
      await expect(outboundRequest(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ reason: 'forbidden_address' });
      process.env.SIEM_ALLOW_PRIVATE_URLS = 'true';
      expect((await outboundRequest(`http://127.0.0.1:${port}/`)).status).toBe(200);
      delete process.env.SIEM_ALLOW_PRIVATE_URLS;
      process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
      expect((await outboundRequest(`http://127.0.0.1:${port}/`)).status).toBe(200);
    } finally {
      process.env = saved;
    }
  });
});
