import { describe, expect, it, vi } from 'vitest';
import { checkMetricsAuth } from './metrics-auth';
import { metrics, metricSet, registerPoolStats, renderMetrics, routeLabel } from './metrics';

describe('routeLabel', () => {
  it.each([
    ['/', '/'],
    ['/admin', '/admin'],
    ['/admin/customers/acme-corp', '/admin/customers/:slug'],
    ['/admin/customers/acme-corp/tokens', '/admin/customers/:slug/tokens'],
    ['/portal/acme/audit', '/portal/:org/audit'],
    ['/api/auth/callback/credentials', '/api/auth/*'],
    ['/api/health?x=1', '/api/health'],
    ['/admin/audit/0193a5b2-7c1d-7e00-8000-000000000001', '/admin/audit/:id'],
    ['/v2/', '/v2/'],
    ['/v2/acme/app/manifests/1.2.3', '/v2/:name/manifests'],
    ['/v2/acme/app/blobs/sha256:abc', '/v2/:name/blobs'],
    ['/_next/static/chunks/a.js', '/_next'],
    ['/wp-login.php', 'other'],
    ['/.env', 'other'],
  ])('%s → %s', (path, label) => {
    expect(routeLabel(path)).toBe(label);
  });
});

describe('metrics', () => {
  it('exposes what the helpers count, in Prometheus text format', async () => {
    metrics.httpRequest('/admin', 'GET', 200, 0.012);
    metrics.gatewayPull('success');
    metrics.gatewayPull('denied');
    metrics.authFailure('registry_token');
    metrics.webhook('stripe', 'applied');
    metrics.pullEventBufferDepth(17);
    registerPoolStats(() => ({ total: 4, idle: 1, waiting: 2, max: 10 }));
    const { body, contentType } = await renderMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE portcullis_http_requests_total counter');
    expect(body).toMatch(/portcullis_http_requests_total\{route="\/admin",method="GET",status="200",service="portcullis"\} \d+/);
    expect(body).toMatch(/portcullis_gateway_pulls_total\{outcome="denied",service="portcullis"\} 1/);
    expect(body).toMatch(/portcullis_auth_failures_total\{kind="registry_token",service="portcullis"\} \d+/);
    expect(body).toMatch(/portcullis_webhooks_total\{source="stripe",outcome="applied",service="portcullis"\} \d+/);
    expect(body).toMatch(/portcullis_pull_event_buffer_depth\{service="portcullis"\} 17/);
    expect(body).toMatch(/portcullis_db_pool_connections\{state="active",service="portcullis"\} 3/);
    expect(body).toMatch(/portcullis_db_pool_connections\{state="waiting",service="portcullis"\} 2/);
    expect(body).toContain('portcullis_http_request_duration_seconds_bucket');
    expect(body).toContain('portcullis_process_resident_memory_bytes');
  });

  it('keeps one registry per process even when the module is loaded twice (Next bundle + custom server)', async () => {
    const first = metricSet();
    vi.resetModules();
    const again = await import('./metrics');
    expect(again.metricSet()).toBe(first);
    again.metrics.gatewayPull('rate_limited');
    expect(await first.registry.getSingleMetricAsString('portcullis_gateway_pulls_total')).toContain('outcome="rate_limited"');
  });

  it('never throws from a helper', () => {
    expect(() => metrics.httpRequest('/x', 'GET', 200, Number.NaN)).not.toThrow();
  });
});

describe('the metrics bearer token', () => {
  it('is off without METRICS_TOKEN, and compares the token exactly', () => {
    vi.stubEnv('METRICS_TOKEN', '');
    expect(checkMetricsAuth('Bearer anything')).toBe('disabled');
    vi.stubEnv('METRICS_TOKEN', 'scrape-me-please');
    expect(checkMetricsAuth('Bearer scrape-me-please')).toBe('ok');
    expect(checkMetricsAuth('bearer scrape-me-please')).toBe('ok');
    expect(checkMetricsAuth('Bearer scrape-me-pleasE')).toBe('unauthorized');
    expect(checkMetricsAuth('Basic c2NyYXBl')).toBe('unauthorized');
    expect(checkMetricsAuth(null)).toBe('unauthorized');
    vi.unstubAllEnvs();
  });
});
