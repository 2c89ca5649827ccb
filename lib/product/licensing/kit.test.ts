import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { compactVerify, createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createLicenseVerifier,
  jwkThumbprint,
  verifyLicense,
  verifyRevocationList,
  type Ed25519Jwk,
  type Jwks,
  type LicenseClaims,
} from '@/kit/license-verifier';
import { canonicalClaimsJson } from './claims';
import { LICENSE_TYPE, REVOCATION_LIST_TYPE, signCompact } from './jws';

const AUD = 'self-hosted-product';
const NOW = new Date('2027-06-01T00:00:00Z');
const s = (date: Date) => Math.floor(date.getTime() / 1000);
const DAY = 86_400;

function keyPair(): { privateKey: KeyObject; jwk: Ed25519Jwk } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
  return { privateKey, jwk: { ...raw, kid: jwkThumbprint(raw), alg: 'EdDSA', use: 'sig' } };
}

const signer = keyPair();
const other = keyPair();
const jwks: Jwks = { keys: [signer.jwk] };

function claims(changes: Partial<LicenseClaims> = {}): LicenseClaims {
  return {
    iss: 'https://portal.vendor.test',
    sub: 'org-123',
    aud: AUD,
    iat: s(NOW) - DAY,
    nbf: s(NOW) - DAY,
    exp: s(NOW) + 100 * DAY,
    jti: '0b8c1f7e-4f1e-4f39-9a1b-2b2b5c2d9e01',
    tier: 'enterprise',
    features: ['audit_log', 'sso'],
    limits: { seats: null, nodes: 10 },
    grace_days: 14,
    customer_name: 'Globex',
    customer_slug: 'globex',
    ...changes,
  };
}

const sign = (c: LicenseClaims, key = signer, header: { typ?: string; kid?: string } = {}) =>
  signCompact({ alg: 'EdDSA', kid: header.kid ?? key.jwk.kid, typ: header.typ ?? LICENSE_TYPE }, canonicalClaimsJson(c), key.privateKey);

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('offline verification kit', () => {
  const verifier = createLicenseVerifier({ jwks, audience: AUD });

  it('accepts a good license with its claims and days left', () => {
    const result = verifier.verify(sign(claims()), NOW);
    expect(result).toMatchObject({ status: 'valid', daysLeft: 100, claims: { tier: 'enterprise', features: ['audit_log', 'sso'], limits: { seats: null, nodes: 10 } } });
  });

  it('rejects a tampered payload', () => {
    const [h, , sig] = sign(claims()).split('.');
    const forged = `${h}.${b64(canonicalClaimsJson(claims({ tier: 'enterprise', limits: { seats: null, nodes: 999 } })))}.${sig}`;
    expect(verifier.verify(forged, NOW)).toMatchObject({ status: 'invalid', reason: 'bad_signature' });
    // Characters outside base64url that a lenient decoder would skip (or a lossy encoding would fold) are refused.
    const [hh, pp, ss] = sign(claims()).split('.') as [string, string, string];
    expect(verifier.verify(`${hh}.${pp.slice(0, 5)}\u0141${pp.slice(6)}.${ss}`, NOW)).toMatchObject({ status: 'invalid', reason: 'malformed' });
    expect(verifier.verify(`${hh}.${pp.slice(0, 10)}=${pp.slice(10)}.${ss}`, NOW)).toMatchObject({ status: 'invalid', reason: 'malformed' });
    // A single flipped signature character as well.
    const token = sign(claims());
    const flipped = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    expect(verifier.verify(flipped, NOW)).toMatchObject({ status: 'invalid', reason: 'bad_signature' });
  });

  it('rejects a license signed by another key under a known kid', () => {
    expect(verifier.verify(sign(claims(), other, { kid: signer.jwk.kid }), NOW)).toMatchObject({ status: 'invalid', reason: 'bad_signature' });
  });

  it('rejects an unknown kid', () => {
    expect(verifier.verify(sign(claims(), other), NOW)).toMatchObject({ status: 'invalid', reason: 'unknown_kid' });
  });

  it('pins alg to EdDSA: none and HS256 key confusion are refused', () => {
    const payload = b64(canonicalClaimsJson(claims()));
    const none = `${b64({ alg: 'none', kid: signer.jwk.kid, typ: 'JWT' })}.${payload}.`;
    expect(verifier.verify(none, NOW)).toMatchObject({ status: 'invalid', reason: 'unsupported_alg' });
    // HS256 "signed" with the public key as the HMAC secret: the classic confusion attack.
    const header = b64({ alg: 'HS256', kid: signer.jwk.kid, typ: 'JWT' });
    for (const secret of [Buffer.from(signer.jwk.x, 'base64url'), Buffer.from(signer.jwk.x)]) {
      const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      expect(verifier.verify(`${header}.${payload}.${mac}`, NOW)).toMatchObject({ status: 'invalid', reason: 'unsupported_alg' });
    }
    const es = `${b64({ alg: 'ES256', kid: signer.jwk.kid })}.${payload}.${'A'.repeat(86)}`;
    expect(verifier.verify(es, NOW)).toMatchObject({ status: 'invalid', reason: 'unsupported_alg' });
  });

  it('reports grace with days left, then expired', () => {
    const token = sign(claims({ exp: s(NOW) - 3 * DAY, grace_days: 14 }));
    expect(verifier.verify(token, NOW)).toMatchObject({ status: 'grace', graceDaysLeft: 11 });
    expect(verifier.verify(token, new Date(NOW.getTime() + 11 * DAY * 1000 + 1000))).toMatchObject({ status: 'expired' });
    expect(verifier.verify(sign(claims({ exp: s(NOW) - 1, grace_days: 0 })), NOW)).toMatchObject({ status: 'expired' });
  });

  it('rejects a license that is not yet valid (beyond the clock tolerance)', () => {
    expect(verifier.verify(sign(claims({ nbf: s(NOW) + DAY })), NOW)).toMatchObject({ status: 'invalid', reason: 'not_yet_valid' });
    expect(verifier.verify(sign(claims({ nbf: s(NOW) + 30 })), NOW)).toMatchObject({ status: 'valid' });
  });

  it('checks audience, issuer, type, claim shapes, revocations and garbage', () => {
    expect(verifier.verify(sign(claims({ aud: 'another-product' })), NOW)).toMatchObject({ status: 'invalid', reason: 'wrong_audience' });
    expect(verifier.verify(sign(claims({ aud: ['x', AUD] })), NOW)).toMatchObject({ status: 'valid' });
    expect(verifyLicense(sign(claims()), { jwks, audience: AUD, issuer: 'https://evil.test', now: NOW })).toMatchObject({ status: 'invalid', reason: 'wrong_issuer' });
    expect(verifier.verify(sign(claims(), signer, { typ: REVOCATION_LIST_TYPE }), NOW)).toMatchObject({ status: 'invalid', reason: 'wrong_type' });
    expect(verifier.verify(sign(claims({ grace_days: -1 })), NOW)).toMatchObject({ status: 'invalid', reason: 'bad_claims' });
    const raw = (c: object) => signCompact({ alg: 'EdDSA', kid: signer.jwk.kid, typ: LICENSE_TYPE }, JSON.stringify(c), signer.privateKey);
    expect(verifier.verify(raw({ ...claims(), features: 'sso' }), NOW)).toMatchObject({ status: 'invalid', reason: 'bad_claims' });
    expect(verifier.verify(raw({ ...claims(), exp: '2030-01-01' }), NOW)).toMatchObject({ status: 'invalid', reason: 'bad_claims' });
    const revokedVerifier = createLicenseVerifier({ jwks, audience: AUD, revoked: [claims().jti] });
    expect(revokedVerifier.verify(sign(claims()), NOW)).toMatchObject({ status: 'invalid', reason: 'revoked' });
    for (const garbage of ['', 'a.b', 'not.a.jwt', '....', `${b64('[1]')}.x.y`]) {
      expect(verifier.verify(garbage, NOW)).toMatchObject({ status: 'invalid', reason: 'malformed' });
    }
    expect(() => createLicenseVerifier({ jwks, audience: '' })).toThrow('audience');
  });

  it('produces tokens a standard JOSE library verifies (jose)', async () => {
    const token = sign(claims({ iat: s(new Date()) - 10, nbf: s(new Date()) - 10, exp: s(new Date()) + 3600 }));
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { audience: AUD, issuer: 'https://portal.vendor.test', algorithms: ['EdDSA'] });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid: signer.jwk.kid, typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'org-123', tier: 'enterprise', customer_name: 'Globex' });
  });

  it('verifies a signed revocation list and refuses a license passed as one', async () => {
    const list = signCompact({ alg: 'EdDSA', kid: signer.jwk.kid, typ: REVOCATION_LIST_TYPE }, JSON.stringify({ iss: 'https://portal.vendor.test', aud: AUD, iat: s(NOW), revoked: ['a', 'b'] }), signer.privateKey);
    expect(verifyRevocationList(list, { jwks })).toEqual({ ok: true, list: { issuer: 'https://portal.vendor.test', issuedAt: NOW, jtis: ['a', 'b'] } });
    expect(verifyRevocationList(sign(claims()), { jwks })).toMatchObject({ ok: false, reason: 'wrong_type' });
    expect(verifyRevocationList(list, { jwks: { keys: [other.jwk] } })).toMatchObject({ ok: false, reason: 'unknown_kid' });
    await expect(compactVerify(list, createLocalJWKSet(jwks))).resolves.toBeTruthy();
  });
});
