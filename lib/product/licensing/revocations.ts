import 'server-only';
import { publicUrl } from '@/lib/platform/config/public-url';
import { prisma, type Db } from '@/lib/platform/db/client';
import { systemActor } from '@/lib/identity/auth/actor';
import { licenseAudience } from './audience';
import { REVOCATION_LIST_TYPE, signCompact } from './jws';
import { activeSigningKey } from './signing-keys';
import { DAY } from '@/lib/platform/time';

export interface RevocationListClaims {
  iss: string;
  aud: string;
  iat: number;
  /** jtis of revoked licenses that would otherwise still verify (not past expiry plus grace). */
  revoked: string[];
}

/**
 * The signed revocation list served at /api/v1/licenses/revocations: a
 * compact JWS (`typ: revocation-list+jwt`, signed by the active key) over the
 * revoked jtis and its issue time. Licenses past their expiry and grace are
 * left out: they no longer verify anyway, which keeps the list short.
 */
export async function signedRevocationList(db: Db = prisma, now = new Date()): Promise<{ jws: string; claims: RevocationListClaims }> {
  const revoked = await db.licenseKey.findMany({
    where: { revokedAt: { not: null }, expiresAt: { gt: new Date(now.getTime() - 365 * DAY) } },
    select: { jti: true, expiresAt: true, graceDays: true },
    orderBy: { revokedAt: 'asc' },
  });
  const claims: RevocationListClaims = {
    iss: publicUrl(),
    aud: await licenseAudience(db),
    iat: Math.floor(now.getTime() / 1000),
    revoked: revoked.filter((row) => row.expiresAt.getTime() + row.graceDays * DAY > now.getTime()).map((row) => row.jti),
  };
  // The first request of a fresh installation creates the signing key, like the first license does.
  const key = await (db === prisma ? prisma.$transaction((tx) => activeSigningKey(tx, systemActor('revocation-list'))) : activeSigningKey(db, systemActor('revocation-list')));
  return { jws: signCompact({ alg: 'EdDSA', kid: key.kid, typ: REVOCATION_LIST_TYPE }, JSON.stringify(claims), key.privateKey), claims };
}
