import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '@/lib/log';

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
});
