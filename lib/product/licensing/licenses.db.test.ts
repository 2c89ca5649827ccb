import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLicenseVerifier, verifyRevocationList } from '@/kit/license-verifier';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { setFeatureOverride } from '@/lib/product/features/flags';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { DEFAULT_AUDIENCE } from './audience';
import { followTierChange } from './follow-tier';
import { issueLicense, reissueLicense } from './issue';
import { getLicense, licenseToken, listLicenses } from './read';
import { revokeLicense } from './revoke';
import { signedRevocationList } from './revocations';
import { listSigningKeys, publishedJwks, retireSigningKey, rotateSigningKey } from './signing-keys';
import { DAY } from '@/lib/platform/time';

describe('license keys', () => {
  it('issues a compact EdDSA JWS with the documented claims that jose verifies against the published JWKS', async () => {
    // Extra features and limits beyond the tier are billing's decision (staff-admin holds billing.manage).
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'team', name: 'Acme Corp' });
    const expires = new Date(Date.now() + 200 * DAY).toISOString().slice(0, 10);
    const { token, license } = await issueLicense(actor, { orgId: org.id, expiresAt: expires, features: ['sso'], limits: { seats: '40', nodes: 'unlimited' } });

    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(await publishedJwks()), { audience: DEFAULT_AUDIENCE, algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: license.kid, typ: 'JWT' });
    expect(payload).toMatchObject({
      sub: org.id,
      aud: DEFAULT_AUDIENCE,
      jti: license.jti,
      tier: 'team',
      limits: { seats: 40, nodes: null, pulls_per_month: null, api_calls_per_month: 100_000 },
      grace_days: 14,
      customer_name: 'Acme Corp',
      customer_slug: org.slug,
    });
    // Feature flags are global: a flag another test file creates for a moment (features.db.test.ts, flag_…) may be in the tier's set.
    expect((payload.features as string[]).filter((feature) => !feature.startsWith('flag_'))).toEqual(['api_access', 'audit_log', 'registry_access', 'sso', 'webhooks']);
    expect(payload.exp).toBe(Math.floor(new Date(`${expires}T23:59:59Z`).getTime() / 1000));
    expect(typeof payload.iat).toBe('number');
    expect(payload.nbf).toBe(payload.iat);

    // The kit agrees, and the download is byte-identical (re-signed from stored claims).
    expect(createLicenseVerifier({ jwks: await publishedJwks(), audience: DEFAULT_AUDIENCE }).verify(token)).toMatchObject({ status: 'valid' });
    const download = await licenseToken(actor, license.id);
    expect(download.token).toBe(token);
    expect(download.filename).toMatch(new RegExp(`^${org.slug}-license-`));
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).licenseExpiresAt).toEqual(license.expiresAt);

    const events = await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['license.issue', 'license.download']);
    expect(JSON.stringify(events.map((e) => [e.before, e.after, e.metadata]))).not.toContain(token.split('.')[2]);
  });

  it('carries the org\'s live overrides in the features', async () => {
    const { actor: admin } = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'community' });
    await setFeatureOverride(admin, { orgId: org.id, featureKey: 'audit_log', enabled: true, reason: 'pilot', expiresAt: new Date(Date.now() + 10 * DAY) });
    await setFeatureOverride(admin, { orgId: org.id, featureKey: 'registry_access', enabled: false, reason: 'abuse' });
    const { license } = await issueLicense(admin, { orgId: org.id });
    expect(license.features).toEqual(['audit_log']);
    expect(license.limits).toMatchObject({ seats: 3 });
  });

  it('refuses bad input and writes nothing', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg();
    const cases: [Parameters<typeof issueLicense>[1], string][] = [
      [{ orgId: org.id, expiresAt: '2020-01-01' }, 'The expiry must be in the future.'],
      [{ orgId: org.id, expiresAt: 'next tuesday' }, 'Use a date like 2027-12-31.'],
      [{ orgId: org.id, tier: 'platinum' as never }, 'Choose community, team or enterprise.'],
      [{ orgId: org.id, features: ['teleport'] }, 'Unknown feature: teleport.'],
      [{ orgId: org.id, limits: { seats: '-3' } }, 'Use a whole number or "unlimited".'],
      [{ orgId: org.id, limits: { galaxies: '3' } }, 'Unknown limit galaxies'],
      [{ orgId: org.id, graceDays: 1000 }, 'Keep the grace period under a year.'],
    ];
    for (const [input, message] of cases) {
      const error = await issueLicense(actor, input).catch((e: unknown) => e);
      expect(error instanceof z.ZodError ? error.issues.map((i) => i.message).join('; ') : (error as Error).message).toContain(message);
    }
    await expect(issueLicense(actor, { orgId: '00000000-0000-7000-8000-000000000000' })).rejects.toBeInstanceOf(NotFoundError);
    expect(await prisma.licenseKey.count({ where: { orgId: org.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
  });

  it('revokes with a reason (staff-admin), re-issues with a link, and publishes the revocation in a signed list', async () => {
    const { actor: admin } = await createStaff('staff-admin');
    const { actor: support } = await createStaff('staff-support');
    const org = await createOrg({ tier: 'enterprise' });
    const first = await issueLicense(support, { orgId: org.id });
    await expect(revokeLicense(support, { licenseId: first.license.id, reason: 'contract ended' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(revokeLicense(admin, { licenseId: first.license.id, reason: '' })).rejects.toThrow('Say why the license is revoked.');

    const second = await reissueLicense(support, { licenseId: first.license.id, limits: { seats: '500' }, reason: 'more seats' });
    expect(second.license.jti).not.toBe(first.license.jti);
    expect(second.license.replaces).toEqual({ id: first.license.id, jti: first.license.jti });
    expect(second.license.limits.seats).toBe(500);
    expect(second.license.expiresAt).toEqual(first.license.expiresAt);
    const old = await getLicense(admin, first.license.id);
    expect(old).toMatchObject({ status: 'superseded', replacedBy: { id: second.license.id }, revokedReason: `Re-issued as ${second.license.jti}: more seats` });
    await expect(reissueLicense(support, { licenseId: first.license.id })).rejects.toBeInstanceOf(ConflictError);

    const revoked = await revokeLicense(admin, { licenseId: second.license.id, reason: 'contract ended' });
    expect(revoked).toMatchObject({ status: 'revoked', revokedReason: 'contract ended' });
    await expect(revokeLicense(admin, { licenseId: second.license.id, reason: 'again' })).rejects.toBeInstanceOf(ConflictError);

    const { jws } = await signedRevocationList();
    const verified = verifyRevocationList(jws, { jwks: await publishedJwks() });
    expect(verified.ok && verified.list.jtis).toEqual(expect.arrayContaining([first.license.jti, second.license.jti]));
    const kit = createLicenseVerifier({ jwks: await publishedJwks(), audience: DEFAULT_AUDIENCE, revoked: verified.ok ? verified.list.jtis : [] });
    expect(kit.verify(second.token)).toMatchObject({ status: 'invalid', reason: 'revoked' });

    const actions = (await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['license.issue', 'license.reissue', 'license.revoke']);
  });

  it('re-issues the current license for a new tier (billing) with recomputed features', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'community' });
    const first = await issueLicense(actor, { orgId: org.id });
    const result = await prisma.$transaction((tx) => followTierChange(tx, { orgId: org.id, orgStatus: 'active', from: 'community', to: 'team', reason: 'upgraded' }));
    expect(result?.license).toMatchObject({ tier: 'team', replaces: { id: first.license.id } });
    expect(result?.license.features).toContain('audit_log');
    expect(result?.license.limits.seats).toBe(25);
    const fresh = await createOrg({ tier: 'team' });
    const issued = await prisma.$transaction((tx) => followTierChange(tx, { orgId: fresh.id, orgStatus: 'active', from: 'team', to: 'enterprise', reason: 'first' }));
    expect(issued?.license).toMatchObject({ tier: 'enterprise', replaces: null, issuedBy: 'system:billing' });
    expect(await prisma.$transaction((tx) => followTierChange(tx, { orgId: fresh.id, orgStatus: 'suspended', from: 'enterprise', to: 'team', reason: 'downgraded' }))).toBeNull();
  });

  it('keeps each org\'s licenses to its own members, 404 for foreign ones', async () => {
    const { actor: admin } = await createStaff('staff-admin');
    const mine = await createOrg();
    const theirs = await createOrg();
    const a = await issueLicense(admin, { orgId: mine.id });
    const b = await issueLicense(admin, { orgId: theirs.id });
    const { actor: viewer } = await createMember(mine.id, 'viewer');
    const { actor: editor } = await createMember(mine.id, 'editor');
    expect((await listLicenses(viewer, { orgId: mine.id })).rows.map((l) => l.id)).toEqual([a.license.id]);
    expect(await getLicense(viewer, a.license.id)).toMatchObject({ id: a.license.id });
    await expect(getLicense(viewer, b.license.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(listLicenses(viewer, { orgId: theirs.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(listLicenses(viewer)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(licenseToken(viewer, a.license.id)).rejects.toBeInstanceOf(ForbiddenError); // viewers may not download
    expect((await licenseToken(editor, a.license.id)).token).toBe(a.token);
    await expect(licenseToken(editor, b.license.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(issueLicense(editor, { orgId: mine.id })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('licenses follow the tier (issue 16 item 7)', () => {
  it('needs billing.manage to license beyond the customer\'s tier, features or limits; the tier itself any issuer may', async () => {
    const support = (await createStaff('staff-support')).actor;
    const admin = (await createStaff('staff-admin')).actor;
    const org = await createOrg({ tier: 'team' });
    const before = await prisma.licenseKey.count({ where: { orgId: org.id } });
    await expect(issueLicense(support, { orgId: org.id, tier: 'enterprise' })).rejects.toThrow(/Only billing staff may license .* the Enterprise tier/);
    await expect(issueLicense(support, { orgId: org.id, features: ['sso'] })).rejects.toThrow(/features beyond the tier: sso/);
    await expect(issueLicense(support, { orgId: org.id, limits: { seats: 100 } })).rejects.toThrow(/higher limits: seats 100 > 25/);
    await expect(issueLicense(support, { orgId: org.id, limits: { seats: null } })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await prisma.licenseKey.count({ where: { orgId: org.id } })).toBe(before);
    // What the tier includes (or less) is any issuer's to give.
    const plain = await issueLicense(support, { orgId: org.id, limits: { seats: 10 } });
    expect(plain.license).toMatchObject({ tier: 'team' });
    // Billing's decision, then support re-issues it without taking anything away or adding to it.
    const deal = await issueLicense(admin, { orgId: org.id, features: ['sso'], limits: { seats: 40 } });
    const renewed = await reissueLicense(support, { licenseId: deal.license.id, reason: 'renewal' });
    expect(renewed.license.features).toContain('sso');
    await expect(reissueLicense(support, { licenseId: renewed.license.id, features: ['rbac'] })).rejects.toThrow(/features beyond the tier: rbac/);
  });
});

describe('signing keys', () => {
  it('rotates (new key signs, old keeps verifying), retires with a guard, staff-admin only, audited, private key sealed', async () => {
    const { actor: admin } = await createStaff('staff-admin');
    const { actor: support } = await createStaff('staff-support');
    const org = await createOrg();
    const before = await issueLicense(admin, { orgId: org.id });
    await expect(rotateSigningKey(support)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listSigningKeys(support)).rejects.toBeInstanceOf(ForbiddenError);

    const rotated = await rotateSigningKey(admin);
    expect(rotated.kid).not.toBe(before.license.kid);
    const after = await issueLicense(admin, { orgId: org.id });
    expect(after.license.kid).toBe(rotated.kid);
    const jwks = await publishedJwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([rotated.kid, before.license.kid]));
    const kit = createLicenseVerifier({ jwks, audience: DEFAULT_AUDIENCE });
    expect(kit.verify(before.token)).toMatchObject({ status: 'valid' });
    expect(kit.verify(after.token)).toMatchObject({ status: 'valid' });

    // Retire a key only this test signed with (other test files share the database and its active key).
    await expect(retireSigningKey(admin, rotated.kid)).rejects.toThrow('rotate first');
    const next = await rotateSigningKey(admin);
    await expect(retireSigningKey(admin, rotated.kid)).rejects.toThrow(/live licenses? (was|were) signed with this key/);
    await retireSigningKey(admin, rotated.kid, { force: true });
    expect((await publishedJwks()).keys.map((k) => k.kid)).not.toContain(rotated.kid);
    expect((await publishedJwks()).keys.map((k) => k.kid)).toEqual(expect.arrayContaining([next.kid, before.license.kid]));
    expect(createLicenseVerifier({ jwks: await publishedJwks(), audience: DEFAULT_AUDIENCE }).verify(after.token)).toMatchObject({ status: 'invalid', reason: 'unknown_kid' });
    await expect(licenseToken(admin, after.license.id)).rejects.toThrow('retired');

    const stored = await prisma.signingKey.findUniqueOrThrow({ where: { kid: next.kid }, omit: { privateKeyEnc: false } });
    expect(stored.privateKeyEnc).toMatch(/^v1\./);
    expect(stored.privateKeyEnc).not.toContain('PRIVATE KEY');
    const keys = await listSigningKeys(admin);
    expect(keys.find((k) => k.kid === next.kid)).toMatchObject({ status: 'active' });
    expect(keys.find((k) => k.kid === rotated.kid)).toMatchObject({ status: 'retired', licenses: 1, liveLicenses: 1 });
    expect(keys.find((k) => k.kid === before.license.kid)).toMatchObject({ status: 'verifying' });
    expect(JSON.stringify(keys)).not.toContain('v1.');
    expect(await prisma.auditEvent.count({ where: { action: { in: ['signing_key.rotate', 'signing_key.retire'] }, targetId: { in: [rotated.kid, next.kid] } } })).toBe(3);
  });
});
