/**
 * Portcullis offline license verification kit.
 *
 * Copy this one file into your product. It has no dependencies beyond Node's
 * built-in `node:crypto` (Node 18+), checks an Ed25519-signed license (a
 * compact JWS, `alg: EdDSA`) against the public keys embedded below, and
 * never needs the network. Paste your portal's /.well-known/jwks.json into
 * EMBEDDED_JWKS (or pass `jwks` to createLicenseVerifier).
 *
 *   const verifier = createLicenseVerifier({ audience: 'self-hosted-product' });
 *   const result = verifier.verify(process.env.PRODUCT_LICENSE ?? '');
 *   if (result.status === 'valid' || result.status === 'grace') enable(result.claims.features);
 *
 * What it refuses: any `alg` other than EdDSA (so `none` and HS256 key
 * confusion are impossible), an unknown `kid`, a bad signature, a token that
 * is not a license (`typ`), the wrong audience or issuer, `nbf` in the future.
 * Past `exp` it answers `grace` (with days left) for `grace_days`, then
 * `expired`. Revocations: verify the signed list from
 * <portal>/api/v1/licenses/revocations with verifyRevocationList and pass its
 * jtis as `revoked`.
 */
import { createHash, createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';

export interface Ed25519Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** base64url public key (32 bytes). */
  x: string;
  kid: string;
  alg?: 'EdDSA';
  use?: 'sig';
}

export interface Jwks {
  keys: Ed25519Jwk[];
}

/** Replace with the contents of https://<your portal>/.well-known/jwks.json. */
export const EMBEDDED_JWKS: Jwks = { keys: [] };

export interface LicenseClaims {
  iss: string;
  /** The customer's id in the portal. */
  sub: string;
  aud: string | string[];
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  tier: string;
  features: string[];
  /** null: unlimited. */
  limits: Record<string, number | null>;
  grace_days: number;
  customer_name: string;
  customer_slug?: string;
}

export type InvalidReason =
  | 'malformed'
  | 'unsupported_alg'
  | 'wrong_type'
  | 'unknown_kid'
  | 'bad_signature'
  | 'bad_claims'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'not_yet_valid'
  | 'revoked';

export type LicenseResult =
  | { status: 'valid'; claims: LicenseClaims; expiresAt: Date; daysLeft: number }
  | { status: 'grace'; claims: LicenseClaims; expiresAt: Date; graceDaysLeft: number }
  | { status: 'expired'; claims: LicenseClaims; expiresAt: Date }
  | { status: 'invalid'; reason: InvalidReason; message: string };

export interface VerifierOptions {
  /** The audience your product's licenses are issued for (required: a license for another product must not unlock yours). */
  audience: string;
  jwks?: Jwks;
  /** The portal's URL, when you want `iss` pinned too. */
  issuer?: string;
  /** Allowed clock skew for `nbf`, in seconds (default 60). */
  clockToleranceSeconds?: number;
  /** Revoked license ids, from a verified revocation list. */
  revoked?: Iterable<string>;
}

const DAY_SECONDS = 86_400;
const LICENSE_TYPES = new Set(['JWT', 'license+jwt']);
export const REVOCATION_LIST_TYPE = 'revocation-list+jwt';

type Verified = { ok: true; header: Record<string, unknown>; payload: Record<string, unknown> } | { ok: false; reason: InvalidReason; message: string };

function fail(reason: InvalidReason, message: string): { ok: false; reason: InvalidReason; message: string } {
  return { ok: false, reason, message };
}

function decodeJson(part: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Loads the Ed25519 keys of a JWKS, keyed by kid. Other key types are ignored. */
export function importJwks(jwks: Jwks): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwks.keys ?? []) {
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.kid !== 'string') continue;
    if (jwk.alg !== undefined && jwk.alg !== 'EdDSA') continue;
    keys.set(jwk.kid, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
  }
  return keys;
}

/** RFC 7638 thumbprint of an Ed25519 public key: the kid Portcullis gives its keys. */
export function jwkThumbprint(jwk: Pick<Ed25519Jwk, 'crv' | 'kty' | 'x'>): string {
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })).digest('base64url');
}

// Licenses signed by one key share their header: parse each distinct one once.
const headerCache = new Map<string, Record<string, unknown> | null>();

function decodeHeader(part: string): Record<string, unknown> | null {
  let header = headerCache.get(part);
  if (header === undefined) {
    header = decodeJson(part);
    if (headerCache.size > 64) headerCache.clear();
    headerCache.set(part, header);
  }
  return header;
}

function verifyCompact(input: string, keys: Map<string, KeyObject>, types: Set<string>): Verified {
  if (typeof input !== 'string') return fail('malformed', 'The license is not a string.');
  const token = input.trim();
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 1 || second < 0 || token.indexOf('.', second + 1) !== -1) return fail('malformed', 'The license is not a compact JWS (three dot-separated parts).');
  const headerPart = token.slice(0, first);
  const payloadPart = token.slice(first + 1, second);
  const signaturePart = token.slice(second + 1);
  const header = decodeHeader(headerPart);
  if (!header) return fail('malformed', 'The license header is not valid base64url JSON.');
  // Pinned: never let the token choose the algorithm.
  if (header.alg !== 'EdDSA') return fail('unsupported_alg', `Algorithm ${JSON.stringify(header.alg)} is not accepted; licenses are signed with EdDSA (Ed25519).`);
  if (header.crit !== undefined) return fail('malformed', 'Critical header parameters are not supported.');
  if (header.typ !== undefined && !types.has(String(header.typ))) return fail('wrong_type', `A token of type ${JSON.stringify(header.typ)} is not accepted here.`);
  const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
  if (!key) return fail('unknown_kid', `Signing key ${JSON.stringify(header.kid)} is not one of the embedded keys.`);
  if (!/^[A-Za-z0-9_-]{86}$/.test(signaturePart)) return fail('bad_signature', 'The signature is not a 64-byte Ed25519 signature.');
  // Strictly base64url before anything is decoded: Buffer's decoder skips stray characters, which would
  // let a payload that differs from the signed text decode to other claims.
  if (!/^[A-Za-z0-9_-]+$/.test(payloadPart)) return fail('malformed', 'The license payload is not base64url.');
  const ok = verifySignature(null, Buffer.from(token.slice(0, second), 'latin1'), key, Buffer.from(signaturePart, 'base64url'));
  if (!ok) return fail('bad_signature', 'The signature does not match: the license was altered or signed by another key.');
  const payload = decodeJson(payloadPart);
  if (!payload) return fail('malformed', 'The license payload is not valid base64url JSON.');
  return { ok: true, header, payload };
}

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

function checkClaims(payload: Record<string, unknown>): payload is Record<string, unknown> & LicenseClaims {
  return (
    typeof payload.iss === 'string' &&
    typeof payload.sub === 'string' &&
    (typeof payload.aud === 'string' || (Array.isArray(payload.aud) && payload.aud.every((a) => typeof a === 'string'))) &&
    isInt(payload.iat) &&
    isInt(payload.nbf) &&
    isInt(payload.exp) &&
    typeof payload.jti === 'string' &&
    typeof payload.tier === 'string' &&
    Array.isArray(payload.features) &&
    payload.features.every((f) => typeof f === 'string') &&
    !!payload.limits &&
    typeof payload.limits === 'object' &&
    !Array.isArray(payload.limits) &&
    Object.values(payload.limits).every((v) => v === null || isInt(v)) &&
    isInt(payload.grace_days) &&
    payload.grace_days >= 0 &&
    typeof payload.customer_name === 'string'
  );
}

export function createLicenseVerifier(options: VerifierOptions) {
  if (!options?.audience) throw new Error('createLicenseVerifier: `audience` is required.');
  const keys = importJwks(options.jwks ?? EMBEDDED_JWKS);
  const revoked = new Set(options.revoked ?? []);
  const tolerance = options.clockToleranceSeconds ?? 60;

  function verify(token: string, now: Date = new Date()): LicenseResult {
    const checked = verifyCompact(token, keys, LICENSE_TYPES);
    if (!checked.ok) return { status: 'invalid', reason: checked.reason, message: checked.message };
    const claims = checked.payload;
    if (!checkClaims(claims)) return { status: 'invalid', reason: 'bad_claims', message: 'The license is missing claims or has claims of the wrong type.' };
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(options.audience)) return { status: 'invalid', reason: 'wrong_audience', message: `This license is for ${audiences.join(', ')}, not ${options.audience}.` };
    if (options.issuer !== undefined && claims.iss !== options.issuer) return { status: 'invalid', reason: 'wrong_issuer', message: `This license was issued by ${claims.iss}, not ${options.issuer}.` };
    if (revoked.has(claims.jti)) return { status: 'invalid', reason: 'revoked', message: 'This license has been revoked.' };
    const seconds = Math.floor(now.getTime() / 1000);
    if (claims.nbf > seconds + tolerance) return { status: 'invalid', reason: 'not_yet_valid', message: `This license is valid from ${new Date(claims.nbf * 1000).toISOString()}.` };
    const expiresAt = new Date(claims.exp * 1000);
    if (seconds < claims.exp) return { status: 'valid', claims, expiresAt, daysLeft: Math.floor((claims.exp - seconds) / DAY_SECONDS) };
    const graceEnds = claims.exp + claims.grace_days * DAY_SECONDS;
    if (seconds < graceEnds) return { status: 'grace', claims, expiresAt, graceDaysLeft: Math.ceil((graceEnds - seconds) / DAY_SECONDS) };
    return { status: 'expired', claims, expiresAt };
  }

  return { verify, keyIds: [...keys.keys()] };
}

/** One-shot form of createLicenseVerifier(options).verify(token). */
export function verifyLicense(token: string, options: VerifierOptions & { now?: Date }): LicenseResult {
  return createLicenseVerifier(options).verify(token, options.now);
}

export interface RevocationList {
  issuer: string;
  issuedAt: Date;
  /** Revoked license ids. */
  jtis: string[];
}

/**
 * Verifies the portal's signed revocation list (same keys, `typ:
 * revocation-list+jwt`). Keep the newest list you have verified and never
 * replace it with one whose `issuedAt` is older (a replayed old list would
 * un-revoke licenses).
 */
export function verifyRevocationList(
  jws: string,
  options: { jwks?: Jwks; issuer?: string },
): { ok: true; list: RevocationList } | { ok: false; reason: InvalidReason; message: string } {
  const checked = verifyCompact(jws, importJwks(options.jwks ?? EMBEDDED_JWKS), new Set([REVOCATION_LIST_TYPE]));
  if (!checked.ok) return checked;
  const { header, payload } = checked;
  if (header.typ !== REVOCATION_LIST_TYPE) return fail('wrong_type', 'This is not a revocation list.');
  if (typeof payload.iss !== 'string' || !isInt(payload.iat) || !Array.isArray(payload.revoked) || !payload.revoked.every((j) => typeof j === 'string')) {
    return fail('bad_claims', 'The revocation list has missing or malformed claims.');
  }
  if (options.issuer !== undefined && payload.iss !== options.issuer) return fail('wrong_issuer', `This list was issued by ${payload.iss}, not ${options.issuer}.`);
  return { ok: true, list: { issuer: payload.iss, issuedAt: new Date(payload.iat * 1000), jtis: payload.revoked as string[] } };
}
