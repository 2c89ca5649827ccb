import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDeadline } from './deadline';

describe('startDeadline', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  async function serve(handler: (res: ServerResponse) => void) {
    const server = createServer((_req, res) => handler(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const expire = (res: ServerResponse) => res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');

  it('answers for a handler that has not started in time, and drops what it writes later', async () => {
    const late: Promise<void>[] = [];
    const url = await serve((res) => {
      startDeadline(res, 100, expire);
      late.push(
        new Promise<void>((resolve) =>
          setTimeout(() => {
            // What a handler does once its stalled database call finally fails: none of it may throw or reach the client.
            res.setHeader('x-late', '1');
            res.writeHead(500);
            res.write('late body', () => {
              res.end('more', resolve);
            });
          }, 300),
        ),
      );
    });
    const started = Date.now();
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('unavailable');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(response.headers.get('x-late')).toBeNull();
    await Promise.all(late);
  });

  it('leaves a handler alone once it has started answering, however long its body takes', async () => {
    const url = await serve((res) => {
      startDeadline(res, 100, expire);
      res.writeHead(200);
      res.write('first ');
      setTimeout(() => res.end('and last'), 300);
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('first and last');
  });

  it('does nothing when cleared, or with no deadline', async () => {
    const url = await serve((res) => {
      const deadline = startDeadline(res, 100, expire);
      if (res.req.url === '/cleared') deadline.clear();
      else startDeadline(res, 0, expire);
      setTimeout(() => res.end('done'), 300);
    });
    expect(await (await fetch(`${url}/cleared`)).text()).toBe('done');
  });
});
