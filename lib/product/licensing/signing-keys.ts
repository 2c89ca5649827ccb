import 'server-only';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { open, seal } from '@/lib/platform/crypto/secret-box';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError } from '@/lib/platform/errors';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { jwkThumbprint, type Ed25519Jwk, type Jwks } from '@/kit/license-verifier';
import { DAY } from '@/lib/platform/time';

/**
 * Ed25519 signing keys. The private key is generated here, sealed with
 * AES-256-GCM under ENCRYPTION_KEY (bound to its kid) and never leaves the
 * server. One key is active (signs); rotated keys stay published for
 * verification until retired. kid = RFC 7638 JWK thumbprint.
 */

export type SigningKeyStatus = 'active' | 'verifying' | 'retired';

// Serializes key creation and rotation so there is never more than one active key.
const SIGNING_KEY_LOCK = 0x7073676b; // "psgk"

const sealContext = (kid: string) => `signing_key:${kid}`;

const privateKeys = ((globalThis as { __portcullisSigningKeys?: Map<string, KeyObject> }).__portcullisSigningKeys ??= new Map());

const publicSelect = { id: true, kid: true, algorithm: true, publicKeyPem: true, status: true, createdAt: true, rotatedAt: true, retiredAt: true } as const;

export function publicJwk(kid: string, publicKeyPem: string): Ed25519Jwk {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
}

async function insertKey(tx: Db) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string };
  const kid = jwkThumbprint(jwk);
  const created = await tx.signingKey.create({
    data: {
      kid,
      algorithm: 'EdDSA',
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyEnc: seal(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), sealContext(kid)),
      status: 'active',
    },
    select: publicSelect,
  });
  privateKeys.set(kid, privateKey);
  return created;
}

async function lock(tx: Db) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNING_KEY_LOCK})`;
}

/**
 * The key that signs now, with its private key opened. The first licence of
 * an installation creates it (audited as the acting user).
 */
export async function activeSigningKey(tx: Db, actor: Actor): Promise<{ id: string; kid: string; privateKey: KeyObject }> {
  let key = await tx.signingKey.findFirst({ where: { status: 'active' }, orderBy: { createdAt: 'desc' }, select: { id: true, kid: true } });
  if (!key) {
    await lock(tx);
    key = await tx.signingKey.findFirst({ where: { status: 'active' }, orderBy: { createdAt: 'desc' }, select: { id: true, kid: true } });
    if (!key) {
      const created = await insertKey(tx);
      await recordAudit(tx, actor, { action: 'signing_key.create', target: { type: 'signing_key', id: created.kid }, after: created });
      key = created;
    }
  }
  return { ...key, privateKey: await privateKeyFor(tx, key.kid) };
}

/** Opens a key's private half (cached per process). Retired keys never sign. */
export async function privateKeyFor(db: Db, kid: string): Promise<KeyObject> {
  const cached = privateKeys.get(kid);
  if (cached) return cached;
  const row = await db.signingKey.findUnique({ where: { kid }, select: { privateKeyEnc: true, status: true } });
  if (!row) throw new NotFoundError(`Signing key ${kid} not found`);
  let pem: string;
  try {
    pem = open(row.privateKeyEnc, sealContext(kid));
  } catch {
    throw new ConflictError(`Signing key ${kid} cannot be decrypted: ENCRYPTION_KEY is not the one it was sealed with. Restore that key, or rotate to a new signing key.`);
  }
  const key = createPrivateKey(pem);
  privateKeys.set(kid, key);
  return key;
}

/** Makes a new key the signer; the previous one keeps verifying until retired. staff-admin; audited. */
export async function rotateSigningKey(actor: Actor, now = new Date()) {
  assertStaffPermission(actor, 'signing_keys.manage');
  return prisma.$transaction(async (tx) => {
    await lock(tx);
    const previous = await tx.signingKey.findMany({ where: { status: 'active' }, select: { kid: true } });
    await tx.signingKey.updateMany({ where: { status: 'active' }, data: { status: 'verifying', rotatedAt: now } });
    const created = await insertKey(tx);
    await recordAudit(tx, actor, {
      action: 'signing_key.rotate',
      target: { type: 'signing_key', id: created.kid },
      before: { active: previous.map((key) => key.kid) },
      after: { active: created.kid, verifying: previous.map((key) => key.kid) },
    });
    return created;
  });
}

/** Licenses signed with the key that still verify (not revoked, not past expiry and grace). */
async function liveLicensesSignedWith(db: Db, signingKeyId: string, now: Date) {
  const rows = await db.licenseKey.findMany({ where: { signingKeyId, revokedAt: null }, select: { expiresAt: true, graceDays: true } });
  return rows.filter((row) => row.expiresAt.getTime() + row.graceDays * DAY > now.getTime()).length;
}

/**
 * Stops publishing a rotated key: licenses it signed stop verifying. Refuses
 * while live licenses depend on it unless `force` (e.g. a compromised key).
 */
export async function retireSigningKey(actor: Actor, kid: string, options: { force?: boolean } = {}, now = new Date()) {
  assertStaffPermission(actor, 'signing_keys.manage');
  return prisma.$transaction(async (tx) => {
    await lock(tx);
    const key = await tx.signingKey.findUnique({ where: { kid }, select: publicSelect });
    if (!key) throw new NotFoundError(`Signing key ${kid} not found`);
    if (key.status === 'active') throw new ConflictError('This key signs new licenses; rotate first, then retire it.');
    if (key.status === 'retired') return key;
    const live = await liveLicensesSignedWith(tx, key.id, now);
    if (live > 0 && !options.force) {
      throw new ConflictError(`${live} live license${live === 1 ? ' was' : 's were'} signed with this key and would stop verifying; re-issue ${live === 1 ? 'it' : 'them'} first, or retire anyway.`);
    }
    const retired = await tx.signingKey.update({ where: { kid }, data: { status: 'retired', retiredAt: now }, select: publicSelect });
    privateKeys.delete(kid);
    await recordAudit(tx, actor, {
      action: 'signing_key.retire',
      target: { type: 'signing_key', id: kid },
      before: { status: key.status },
      after: { status: 'retired', retiredAt: now },
      metadata: { liveLicenses: live, forced: live > 0 },
    });
    return retired;
  });
}

export async function listSigningKeys(actor: Actor, now = new Date()) {
  assertStaffPermission(actor, 'signing_keys.manage');
  const keys = await prisma.signingKey.findMany({ orderBy: { createdAt: 'desc' }, select: { ...publicSelect, _count: { select: { licenses: true } } } });
  return Promise.all(
    keys.map(async ({ _count, ...key }) => ({ ...key, status: key.status as SigningKeyStatus, licenses: _count.licenses, liveLicenses: await liveLicensesSignedWith(prisma, key.id, now) })),
  );
}

/** A key's public half as PEM, for download (staff-admin). */
export async function signingKeyPem(actor: Actor, kid: string) {
  assertStaffPermission(actor, 'signing_keys.manage');
  const key = await prisma.signingKey.findUnique({ where: { kid }, select: { kid: true, publicKeyPem: true } });
  if (!key) throw new NotFoundError(`Signing key ${kid} not found`);
  return key;
}

/** The published keys: active and still-verifying, never retired. Public. */
export async function publishedJwks(db: Db = prisma): Promise<Jwks> {
  const keys = await db.signingKey.findMany({ where: { status: { in: ['active', 'verifying'] } }, orderBy: { createdAt: 'desc' }, select: { kid: true, publicKeyPem: true } });
  return { keys: keys.map((key) => publicJwk(key.kid, key.publicKeyPem)) };
}
