import 'server-only';
import { createLicenseVerifier, type LicenseClaims } from '@/kit/license-verifier';
import { prisma, type Db } from '@/lib/platform/db/client';
import { orgLimits } from '@/lib/plans/license';
import { recordApiCall } from '@/lib/plans/usage';
import { licenseAudience } from './audience';
import { publishedJwks } from './signing-keys';

/**
 * Online license checks for the vendor's product (beside the offline kit):
 * the license is the Bearer token. Same verification as the kit, against the
 * published keys, plus what only the portal knows: revocations take effect
 * at once, and the customer must still be active.
 */

export type OnlineCheck =
  | { ok: true; status: 'valid' | 'grace'; claims: LicenseClaims; orgId: string; graceDaysLeft: number | null; daysLeft: number | null }
  | { ok: false; reason: string; message: string };

export function bearerToken(request: Request): string | null {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return match ? match[1]! : null;
}

export async function checkLicense(token: string | null, db: Db = prisma, now = new Date()): Promise<OnlineCheck> {
  if (!token) return { ok: false, reason: 'missing', message: 'Send the license as a Bearer token: Authorization: Bearer <license>.' };
  const verifier = createLicenseVerifier({ jwks: await publishedJwks(db), audience: await licenseAudience(db) });
  const result = verifier.verify(token, now);
  if (result.status === 'invalid') return { ok: false, reason: result.reason, message: result.message };
  if (result.status === 'expired') return { ok: false, reason: 'expired', message: `This license expired on ${result.expiresAt.toISOString().slice(0, 10)} and its grace period is over.` };
  const row = await db.licenseKey.findUnique({ where: { jti: result.claims.jti }, select: { orgId: true, revokedAt: true, org: { select: { status: true } } } });
  if (!row || row.orgId !== result.claims.sub) return { ok: false, reason: 'unknown', message: 'This license was not issued by this portal.' };
  if (row.revokedAt) return { ok: false, reason: 'revoked', message: 'This license has been revoked.' };
  if (row.org.status !== 'active') return { ok: false, reason: 'inactive', message: 'This customer account is not active.' };
  return {
    ok: true,
    status: result.status,
    claims: result.claims,
    orgId: row.orgId,
    daysLeft: result.status === 'valid' ? result.daysLeft : null,
    graceDaysLeft: result.status === 'grace' ? result.graceDaysLeft : null,
  };
}

const noStore = { 'cache-control': 'no-store' };

function unauthorized(check: Extract<OnlineCheck, { ok: false }>): Response {
  return Response.json(
    { error: 'invalid_license', reason: check.reason, message: check.message },
    { status: 401, headers: { ...noStore, 'www-authenticate': `Bearer realm="licenses", error="invalid_token", error_description="${check.message.replace(/"/g, "'")}"` } },
  );
}

/** GET /api/v1/entitlements: the license's tier, features and limits, if it is still good. Counts against the API quota. */
export async function entitlementsResponse(request: Request, db: Db = prisma, now = new Date()): Promise<Response> {
  const check = await checkLicense(bearerToken(request), db, now);
  if (!check.ok) return unauthorized(check);
  const calls = await recordApiCall(db, check.orgId, now);
  const limit = (await orgLimits(db, check.orgId, now)).api_calls_per_month;
  if (limit !== null && calls > limit) {
    return Response.json(
      { error: 'quota_exceeded', message: `This customer has used its ${limit.toLocaleString('en-US')} API calls for this month; the offline check keeps working.` },
      { status: 429, headers: { ...noStore, 'retry-after': String(secondsToNextMonth(now)) } },
    );
  }
  const { claims } = check;
  return Response.json(
    {
      status: check.status,
      tier: claims.tier,
      features: claims.features,
      limits: claims.limits,
      customer: { id: claims.sub, name: claims.customer_name, slug: claims.customer_slug ?? null },
      license: {
        jti: claims.jti,
        issued_at: new Date(claims.iat * 1000).toISOString(),
        not_before: new Date(claims.nbf * 1000).toISOString(),
        expires_at: new Date(claims.exp * 1000).toISOString(),
        grace_days: claims.grace_days,
        days_left: check.daysLeft,
        grace_days_left: check.graceDaysLeft,
      },
      checked_at: now.toISOString(),
    },
    { headers: noStore },
  );
}

/**
 * GET /api/v1/settings/rbac: how the product detects the enterprise backend.
 * 200 only for a good license whose features include RBAC; 404 for anything
 * else (no license, a bad one, or a tier without it), so an old product that
 * only knows "200 or 404" reads it correctly.
 */
export async function rbacSettingsResponse(request: Request, db: Db = prisma, now = new Date()): Promise<Response> {
  const check = await checkLicense(bearerToken(request), db, now);
  if (!check.ok || !check.claims.features.includes('rbac')) {
    return Response.json({ error: 'not_found' }, { status: 404, headers: noStore });
  }
  return Response.json({ rbac: true, tier: check.claims.tier, customer: { id: check.claims.sub, name: check.claims.customer_name } }, { headers: noStore });
}

function secondsToNextMonth(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}
