import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '@/lib/platform/log';
import { generateToken } from '@/lib/product/registry/token-format';
import { observeRequest } from './http';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const previous = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'info';
  const logger = createLogger(stream);
  if (previous === undefined) delete process.env.LOG_LEVEL;
  else process.env.LOG_LEVEL = previous;
  return { logger, lines };
}

describe('structured logs', () => {
  it('are JSON lines with the request id, level, time and service', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'req-123' }).info({ route: '/admin' }, 'request');
    expect(lines[0]).toMatchObject({ level: 30, service: 'portcullis', requestId: 'req-123', route: '/admin', msg: 'request' });
    expect(new Date(lines[0]!.time as string).toString()).not.toBe('Invalid Date');
  });

  it('redact secrets by key, nested and in headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        password: 'hunter2-hunter2',
        user: { email: 'a@b.test', password: 'p4ss', token: 'pcr_abc' },
        headers: { authorization: 'Bearer abc', cookie: 'session=1', 'x-portcullis-signature': 't=1,v1=ff', accept: 'text/html' },
        destination: { url: 'https://siem.example', secret: 's3cr3t', secretEnc: 'v1.aaa' },
        key: { privateKey: '-----BEGIN PRIVATE KEY-----' },
      },
      'something',
    );
    const line = JSON.stringify(lines[0]);
    for (const leaked of ['hunter2', 'p4ss', 'pcr_abc', 'Bearer abc', 'session=1', 'v1=ff', 's3cr3t', 'v1.aaa', 'BEGIN PRIVATE KEY']) {
      expect(line).not.toContain(leaked);
    }
    expect(lines[0]).toMatchObject({ user: { email: 'a@b.test', password: '[redacted]' }, headers: { accept: 'text/html', authorization: '[redacted]' } });
  });

  it('scrub secrets that hide inside strings: messages, errors, URLs', () => {
    const { logger, lines } = capture();
    const token = 'pcr_4fG7hJ9kL2mN5pQ8rS1tV3wX6yZ0aB';
    logger.error({ err: new Error(`upstream refused ${token}`), url: 'postgresql://app:topsecret@db:5432/x' }, `login failed for Basic dXNlcjpwYXNzd29yZA== and ${token}`);
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain(token.slice(4));
    expect(line).not.toContain('topsecret');
    expect(line).not.toContain('dXNlcjpwYXNzd29yZA');
    expect(lines[0]!.msg).toBe('login failed for Basic [redacted] and pcr_[redacted]');
    expect(lines[0]!.url).toBe('postgresql://app:[redacted]@db:5432/x');
    expect(scrubSecrets('nothing secret here')).toBe('nothing secret here');
  });

  it('never write a secret of any shape, through messages, fields, errors or the access log', async () => {
    const { logger, lines } = capture();
    const jwt = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..q5Yx3iBvC8mX-jw.Zm9vYmFyYmF6cXV4.3Qw7ZzK1';
    const secrets = {
      registryToken: generateToken(),
      invitation: 'pci_7Hq2xZkR9mWcT4vLp0sJdNfGbY1aE6uQiO3rKtV8hXy',
      apiKey: 'pck_live_4Fz9Qm2Rt7Yp1Lx8Kc3Vb6Nd',
      resetLink: 'pcs_Qw8Er4Ty2Ui6Op0As3Df7Gh',
      siemSecret: 'siem_ab12CD34ef56GH78ij90',
      stripeKey: 'sk_test_51HxYzAbCdEfGhIjKlMn',
      webhookSecret: 'whsec_demo_0f1e2d3c4b5a69788796a5b4',
      sessionJwe: jwt,
      oauthCode: 'c0d3-that-redeems-a-session-9f8e7d',
      samlResponse: 'PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPQ',
      basic: Buffer.from('globex:correct horse battery').toString('base64'),
      dbPassword: 'db-Passw0rd-xyz',
      privateKey: 'MC4CAQAwBQYDK2VwBCIEIJ+secretkeymaterial',
    };
    const pem = `-----BEGIN PRIVATE KEY-----\n${secrets.privateKey}\n-----END PRIVATE KEY-----`;

    // The access log of a real server, for requests whose paths carry secrets.
    const server = createServer((req, res) => {
      observeRequest(req, res, 'req-secrets', logger);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of [`/invite/${secrets.invitation}`, `/reset/${secrets.resetLink}`, `/portal/globex/tokens/${secrets.registryToken}`, `/api/keys/${secrets.apiKey}`]) {
        await fetch(`${base}${path}?code=${secrets.oauthCode}`);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    // Application logs: in the message, in plain fields, inside errors and URLs, and in header text.
    logger.error(
      {
        err: new Error(`upstream refused ${secrets.registryToken}; invitation ${secrets.invitation}; ${pem}`),
        url: `https://idp.example/callback?code=${secrets.oauthCode}&SAMLResponse=${secrets.samlResponse}`,
        database: `postgresql://app:${secrets.dbPassword}@db:5432/portcullis`,
        note: `cookie: authjs.session-token=${secrets.sessionJwe}; __Secure-authjs.callback-url=%2F`,
        detail: { nested: { apiKey: `key ${secrets.apiKey}`, link: `https://portal.example/invite/${secrets.invitation}` } },
      },
      `delivery to SIEM with ${secrets.siemSecret} failed; stripe ${secrets.stripeKey} ${secrets.webhookSecret}; Basic ${secrets.basic}; bearer ${secrets.sessionJwe}`,
    );

    const output = JSON.stringify(lines);
    expect(lines.filter((line) => line.msg === 'request')).toHaveLength(4);
    expect(output).toContain('/invite/pci_[redacted]');
    for (const [shape, secret] of Object.entries(secrets)) {
      expect(output, shape).not.toContain(secret);
      // Not even the part after a prefix.
      expect(output, shape).not.toContain(secret.slice(-12));
    }
  });
});

