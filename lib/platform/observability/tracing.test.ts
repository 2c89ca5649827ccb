import { createServer, type IncomingMessage } from 'node:http';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startTracing, stopTracing, tracingEnabled } from './tracing';

const RECEIVER_PORT = Number(process.env.TEST_OTLP_PORT ?? 5191);

describe('tracing', () => {
  afterEach(async () => {
    await stopTracing();
  });

  it('is off by default and follows the standard OTEL_* variables', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
    expect(tracingEnabled({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe(false);
    expect(startTracing({})).toBeNull();
  });

  it('exports spans over OTLP/HTTP to the configured collector', async () => {
    const received: { url: string; body: string }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ url: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(RECEIVER_PORT, '127.0.0.1', resolve));
    try {
      const env = {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${RECEIVER_PORT}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'portcullis-test',
      };
      Object.assign(process.env, { OTEL_EXPORTER_OTLP_ENDPOINT: env.OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
      const sdk = startTracing(env);
      expect(sdk).not.toBeNull();
      trace.getTracer('test').startActiveSpan('audit.verify', (span) => {
        span.setAttribute('events', 3);
        span.end();
      });
      await stopTracing(); // flushes
      const traces = received.filter((request) => request.url === '/v1/traces');
      expect(traces.length).toBeGreaterThan(0);
      expect(traces.map((request) => request.body).join('')).toContain('"name":"audit.verify"');
      expect(traces.map((request) => request.body).join('')).toContain('portcullis-test');
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
