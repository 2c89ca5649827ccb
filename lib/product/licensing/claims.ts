import 'server-only';
import type { LicenseClaims } from '@/kit/license-verifier';
import { LIMIT_KEYS } from '@/lib/plans/tiers';

export type { LicenseClaims };

/**
 * Claims in one fixed key order. The database keeps claims as jsonb (which
 * reorders keys), so the token is always rebuilt through this function: the
 * same license gives byte-identical tokens at issue and at every download.
 */
export function canonicalClaimsJson(claims: LicenseClaims): string {
  const limits: Record<string, number | null> = {};
  for (const key of LIMIT_KEYS) if (key in claims.limits) limits[key] = claims.limits[key] ?? null;
  for (const key of Object.keys(claims.limits).sort()) if (!(key in limits)) limits[key] = claims.limits[key] ?? null;
  const ordered: LicenseClaims = {
    iss: claims.iss,
    sub: claims.sub,
    aud: claims.aud,
    iat: claims.iat,
    nbf: claims.nbf,
    exp: claims.exp,
    jti: claims.jti,
    tier: claims.tier,
    features: [...claims.features],
    limits,
    grace_days: claims.grace_days,
    customer_name: claims.customer_name,
    ...(claims.customer_slug !== undefined ? { customer_slug: claims.customer_slug } : {}),
  };
  return JSON.stringify(ordered);
}

export const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
