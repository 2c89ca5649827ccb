import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENV_VARIABLES, env, EnvError, type EnvName } from './env';

afterEach(() => {
  vi.unstubAllEnvs();
});

/** The variables README's "Environment variables" table names in its first column (wildcards such as OTEL_* aside). */
function readmeVariables(): Set<string> {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');
  const start = readme.indexOf('\n## Environment variables\n');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const names = new Set<string>();
  for (const line of readme.slice(start, end === -1 ? undefined : end).split('\n')) {
    if (!line.startsWith('|')) continue;
    const first = line.split('|')[1] ?? '';
    for (const [, name] of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) names.add(name!);
  }
  return names;
}

describe('env', () => {
  it('gives the documented default for an unset or empty variable, and undefined for an optional one', () => {
    expect(env('PORT', {})).toBe(3000);
    expect(env('PORT', { PORT: '' })).toBe(3000);
    expect(env('DATABASE_POOL_SIZE', {})).toBe(10);
    expect(env('SESSION_MAX_AGE_HOURS', {})).toBe(12);
    expect(env('SIEM_WORKER', {})).toBe(true);
    expect(env('SSO_ALLOW_HTTP_URLS', {})).toBe(false);
    expect(env('TRUST_PROXY', {})).toBe(0);
    expect(env('LICENSE_ENV_VAR', {})).toBe('PRODUCT_LICENSE');
    expect(env('AUDIT_ARCHIVE_DIR', {})).toBe('.data/audit-archive');
    expect(env('PUBLIC_URL', {})).toBeUndefined();
    expect(env('MAIL_TRANSPORT', {})).toBeUndefined();
    expect(env('PULL_EVENTS_FLUSH_MS', {})).toBeUndefined();
  });

  it('parses values into their types', () => {
    expect(env('PORT', { PORT: '8080' })).toBe(8080);
    expect(env('SESSION_MAX_AGE_HOURS', { SESSION_MAX_AGE_HOURS: '0.5' })).toBe(0.5);
    expect(env('BILLING_GRACE_SWEEP', { BILLING_GRACE_SWEEP: 'false' })).toBe(false);
    expect(env('TRUST_PROXY', { TRUST_PROXY: 'TRUE' })).toBe(1);
    expect(env('SSO_DNS_SERVERS', { SSO_DNS_SERVERS: ' 10.0.0.1, 10.0.0.2:5353 ,' })).toEqual(['10.0.0.1', '10.0.0.2:5353']);
    expect(env('GATEWAY_PULL_QUOTA', { GATEWAY_PULL_QUOTA: 'off' })).toBe('off');
  });

  it('names the variable, what it must be and the value it got when a value is bad', () => {
    expect(() => env('PORT', { PORT: 'abc' })).toThrow('PORT must be a whole number between 0 and 65535 (got "abc")');
    expect(() => env('PORT', { PORT: '70000' })).toThrow(EnvError);
    expect(() => env('SIEM_WORKER', { SIEM_WORKER: 'no' })).toThrow('SIEM_WORKER must be true or false (got "no")');
    // A variable that may carry a credential is named, never echoed (the error reaches logs).
    const secretish = (Object.keys(ENV_VARIABLES) as EnvName[]).filter((name) => /URL|SECRET|KEY|TOKEN|PASSWORD/.test(name));
    let refused = 0;
    for (const name of secretish) {
      try {
        env(name, { [name]: 'not a valid value://user:hunter2@x' });
      } catch (error) {
        refused++;
        expect((error as Error).message).toContain(name);
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
    expect(refused, 'some credential-bearing variables (URLs) validate their value').toBeGreaterThan(0);
    expect(() => env('PUBLIC_URL', { PUBLIC_URL: 'portal.example.com' })).toThrow(/^PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/);
    expect(() => env('LOG_LEVEL', { LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL must be one of trace/);
    // A switch that relaxes a security check stays off for anything but the exact `true`, without an error.
    expect(env('SSO_ALLOW_HTTP_URLS', { SSO_ALLOW_HTTP_URLS: '1' })).toBe(false);
    expect(env('OUTBOUND_ALLOW_PRIVATE_URLS', { OUTBOUND_ALLOW_PRIVATE_URLS: 'TRUE' })).toBe(false);
    expect(env('OUTBOUND_ALLOW_PRIVATE_URLS', { OUTBOUND_ALLOW_PRIVATE_URLS: 'true' })).toBe(true);
    try {
      env('DATABASE_POOL_SIZE', { DATABASE_POOL_SIZE: '0' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      expect((error as EnvError).variable).toBe('DATABASE_POOL_SIZE');
    }
  });

  it('reads process.env when called, not when imported, and follows changes', () => {
    vi.stubEnv('GATEWAY_QUOTA_TTL_MS', '2500');
    expect(env('GATEWAY_QUOTA_TTL_MS')).toBe(2500);
    expect(env('GATEWAY_QUOTA_TTL_MS')).toBe(2500);
    vi.stubEnv('GATEWAY_QUOTA_TTL_MS', '700');
    expect(env('GATEWAY_QUOTA_TTL_MS')).toBe(700);
    vi.stubEnv('GATEWAY_QUOTA_TTL_MS', undefined);
    expect(env('GATEWAY_QUOTA_TTL_MS')).toBe(10_000);
    vi.stubEnv('GATEWAY_QUOTA_TTL_MS', 'soon');
    expect(() => env('GATEWAY_QUOTA_TTL_MS')).toThrow(/GATEWAY_QUOTA_TTL_MS must be/);
    // A bad value is not remembered as good, nor a good one forgotten.
    expect(() => env('GATEWAY_QUOTA_TTL_MS')).toThrow(/GATEWAY_QUOTA_TTL_MS must be/);
    vi.stubEnv('GATEWAY_QUOTA_TTL_MS', '700');
    expect(env('GATEWAY_QUOTA_TTL_MS')).toBe(700);
  });

  it('parses a value once while it stays the same', () => {
    vi.stubEnv('SSO_DNS_SERVERS', '10.0.0.1,10.0.0.2');
    const first = env('SSO_DNS_SERVERS');
    expect(env('SSO_DNS_SERVERS')).toBe(first);
    vi.stubEnv('SSO_DNS_SERVERS', '10.0.0.3');
    expect(env('SSO_DNS_SERVERS')).toEqual(['10.0.0.3']);
  });

  it('reads a given record instead of process.env when passed one', () => {
    vi.stubEnv('METRICS_TOKEN', 'from-process');
    expect(env('METRICS_TOKEN', { METRICS_TOKEN: 'from-record' })).toBe('from-record');
    expect(env('METRICS_TOKEN', {})).toBeUndefined();
    expect(env('METRICS_TOKEN')).toBe('from-process');
  });

  it('declares every variable README documents, and README documents every variable it declares', () => {
    const documented = readmeVariables();
    const declared = new Set(Object.keys(ENV_VARIABLES));
    expect([...declared].filter((name) => !documented.has(name)).sort(), 'declared in env.ts, missing from README').toEqual([]);
    expect([...documented].filter((name) => !declared.has(name)).sort(), 'in README, not declared in env.ts').toEqual([]);
  });

  it('gives every variable a one-line description', () => {
    for (const [name, description] of Object.entries(ENV_VARIABLES)) {
      expect(description.trim(), name).not.toBe('');
      expect(description, name).not.toContain('\n');
    }
  });
});
