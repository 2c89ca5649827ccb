import { createLocalJWKSet, compactVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { GET as entitlements } from '@/app/api/v1/entitlements/route';
import { GET as jwks } from '@/app/api/v1/licenses/jwks/route';
import { GET as revocations } from '@/app/api/v1/licenses/revocations/route';
import { GET as rbac } from '@/app/api/v1/settings/rbac/route';
import { prisma } from '@/lib/platform/db/client';
import { setFeatureOverride } from '@/lib/product/features/flags';
import { createOrg, createStaff } from '@/dev/testing/factories';
import { issueLicense } from './issue';
import { revokeLicense } from './revoke';

const get = (path: string, license?: string) =>
  new Request(`http://portal.test${path}`, { headers: license === undefined ? {} : { authorization: `Bearer ${license}` } });

describe('public license APIs', () => {
  it('GET /api/v1/entitlements answers the license\'s tier, features and limits, and counts the call', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'team', name: 'Entitled Inc' });
    const { token, license } = await issueLicense(actor, { orgId: org.id, limits: { seats: '30' } });
    const response = await entitlements(get('/api/v1/entitlements', token));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toMatchObject({
      status: 'valid',
      tier: 'team',
      features: expect.arrayContaining(['api_access', 'audit_log']),
      limits: { seats: 30 },
      customer: { id: org.id, name: 'Entitled Inc', slug: org.slug },
      license: { jti: license.jti, grace_days: 14 },
    });
    expect(body.license.days_left).toBeGreaterThan(300);
    expect((await prisma.rateLimit.findUniqueOrThrow({ where: { key: `quota:api_calls:${org.id}` } })).count).toBe(1);

    // Revocation is immediate online.
    await revokeLicense(actor, { licenseId: license.id, reason: 'test' });
    const revoked = await entitlements(get('/api/v1/entitlements', token));
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: 'invalid_license', reason: 'revoked' });
    expect(revoked.headers.get('www-authenticate')).toMatch(/^Bearer realm="licenses", error="invalid_token"/);
  });

  it('refuses missing, malformed and tampered licenses with the reason', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'enterprise' });
    const { token } = await issueLicense(actor, { orgId: org.id });
    const [h, p, sig] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, tier: 'enterprise', limits: { seats: 99999 } })).toString('base64url')}.${sig}`;
    for (const [license, reason] of [
      [undefined, 'missing'],
      ['garbage', 'malformed'],
      [tampered, 'bad_signature'],
    ] as const) {
      const response = await entitlements(get('/api/v1/entitlements', license));
      expect(response.status).toBe(401);
      expect((await response.json()).reason).toBe(reason);
    }
  });

  it('answers 429 once the month\'s API calls are used up', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'community' });
    const { token } = await issueLicense(actor, { orgId: org.id });
    const now = new Date();
    await prisma.rateLimit.create({ data: { key: `quota:api_calls:${org.id}`, windowStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), count: 999 } });
    expect((await entitlements(get('/api/v1/entitlements', token))).status).toBe(200);
    const over = await entitlements(get('/api/v1/entitlements', token));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await over.json()).error).toBe('quota_exceeded');
  });

  it('GET /api/v1/settings/rbac: 200 only for a license whose tier includes RBAC, 404 otherwise', async () => {
    const { actor } = await createStaff('staff-admin');
    const enterprise = await createOrg({ tier: 'enterprise' });
    const team = await createOrg({ tier: 'team' });
    const { token: enterpriseLicense, license } = await issueLicense(actor, { orgId: enterprise.id });
    const { token: teamLicense } = await issueLicense(actor, { orgId: team.id });
    expect((await rbac(get('/api/v1/settings/rbac', enterpriseLicense))).status).toBe(200);
    expect((await rbac(get('/api/v1/settings/rbac', teamLicense))).status).toBe(404);
    expect((await rbac(get('/api/v1/settings/rbac'))).status).toBe(404);
    expect((await rbac(get('/api/v1/settings/rbac', 'x.y.z'))).status).toBe(404);
    // A Team customer granted RBAC by override gets it in its next license.
    await setFeatureOverride(actor, { orgId: team.id, featureKey: 'rbac', enabled: true, reason: 'design partner' });
    const { token: overridden } = await issueLicense(actor, { orgId: team.id });
    expect((await rbac(get('/api/v1/settings/rbac', overridden))).status).toBe(200);
    await revokeLicense(actor, { licenseId: license.id, reason: 'test' });
    expect((await rbac(get('/api/v1/settings/rbac', enterpriseLicense))).status).toBe(404);
  });

  it('publishes the JWKS and a signed revocation list that jose verifies', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg();
    const { license } = await issueLicense(actor, { orgId: org.id });
    await revokeLicense(actor, { licenseId: license.id, reason: 'compromised' });
    const keys = await (await jwks()).json();
    expect(keys.keys.length).toBeGreaterThan(0);
    expect(keys.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(JSON.stringify(keys)).not.toMatch(/"d"/);

    const response = await revocations(get('/api/v1/licenses/revocations'));
    expect(response.headers.get('content-type')).toBe('application/jwt');
    const { payload, protectedHeader } = await compactVerify(await response.text(), createLocalJWKSet(keys));
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'revocation-list+jwt' });
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims.revoked).toContain(license.jti);
    expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(60);
    const json = await (await revocations(get('/api/v1/licenses/revocations?format=json'))).json();
    expect(json.claims.revoked).toContain(license.jti);
  });
});
