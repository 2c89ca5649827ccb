import 'server-only';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import type { Sql } from '@/lib/platform/db/sql';
import { isWellFormedToken } from './token-format';
import type { VersionRule } from './version-rule';

/**
 * What the registry gateway asks of the token store, in raw SQL only (see
 * lib/platform/db/sql.ts): who a Basic credential is and what it may pull, and the
 * channel on which changes to either are announced.
 */

/** PostgreSQL channel on which token and grant changes are announced (payload: JSON). */
export const REGISTRY_CHANGES_CHANNEL = 'portcullis_registry_changes';
export type RegistryChange = { kind: 'token'; tokenId: string } | { kind: 'org'; orgId: string } | { kind: 'repository'; repositoryId: string };

/** Announced on commit, so every replica's cache drops what changed. */
export async function announceRegistryChange(tx: Sql, change: RegistryChange): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${REGISTRY_CHANGES_CHANNEL}, ${JSON.stringify(change)})`;
}

export type VerifyFailure = 'malformed' | 'unknown' | 'wrong_user' | 'revoked' | 'expired' | 'inactive';

export interface VerifiedToken {
  tokenId: string;
  orgId: string;
  orgSlug: string;
  /** Repositories the token may pull now: its scopes that the customer still holds a grant for. */
  repositories: string[];
  /** Version limits by repository name, only for grants that have one (lib/product/registry/version-rule.ts). */
  versionRules: Record<string, VersionRule>;
  /** When the customer's license expires (organizations.license_expires_at, kept at the current license's expiry); null: no expiry. Past it, perpetual fallback applies. */
  licenseExpiresAt: Date | null;
  expiresAt: Date;
}

/**
 * Registry Basic auth: username = the customer's slug, password = the token.
 * One indexed lookup by keyed hash; malformed tokens never reach the database.
 * The repositories are those in the token's scope the customer holds a grant for
 * to, with each such image's Helm chart.
 */
export async function verifyRegistryCredentials(
  db: Sql,
  username: string,
  token: string,
  now = new Date(),
): Promise<{ ok: true; token: VerifiedToken } | { ok: false; reason: VerifyFailure; tokenId?: string; orgId?: string }> {
  if (!isWellFormedToken(token)) return { ok: false, reason: 'malformed' };
  const rows = await db.$queryRaw<
    {
      id: string;
      org_id: string;
      slug: string;
      status: string;
      expires_at: Date;
      revoked_at: Date | null;
      repositories: string[];
      rules: Record<string, { channel: string | null; range: string | null }> | null;
      license_expires_at: Date | null;
    }[]
  >`
    SELECT t.id, t.org_id, o.slug, o.status, t.expires_at, t.revoked_at,
           coalesce(array_agg(r.name ORDER BY r.name) FILTER (WHERE r.name IS NOT NULL), '{}') AS repositories,
           -- Version limits bind the granted repository itself; its chart follows only the license's fallback.
           jsonb_object_agg(r.name, jsonb_build_object('channel', e.channel, 'range', e.version_range))
             FILTER (WHERE r.id = e.repository_id AND (e.channel IS NOT NULL OR e.version_range IS NOT NULL)) AS rules,
           o.license_expires_at
    FROM registry_tokens t
    JOIN organizations o ON o.id = t.org_id
    LEFT JOIN registry_token_scopes s ON s.token_id = t.id
    LEFT JOIN entitlements e ON e.repository_id = s.repository_id AND e.org_id = t.org_id
    LEFT JOIN repositories r ON r.id = e.repository_id OR r.image_id = e.repository_id -- a granted image brings its Helm chart
    WHERE t.hash = ${keyedHash(token)}
    GROUP BY t.id, o.id`;
  const row = rows[0];
  if (!row) return { ok: false, reason: 'unknown' };
  const ids = { tokenId: row.id, orgId: row.org_id };
  if (row.slug !== username.toLowerCase()) return { ok: false, reason: 'wrong_user', ...ids };
  if (row.revoked_at) return { ok: false, reason: 'revoked', ...ids };
  if (row.expires_at <= now) return { ok: false, reason: 'expired', ...ids };
  if (row.status !== 'active') return { ok: false, reason: 'inactive', ...ids };
  const versionRules: Record<string, VersionRule> = {};
  for (const [name, rule] of Object.entries(row.rules ?? {})) versionRules[name] = { channel: rule.channel, versionRange: rule.range };
  return {
    ok: true,
    token: { tokenId: row.id, orgId: row.org_id, orgSlug: row.slug, repositories: row.repositories, versionRules, licenseExpiresAt: row.license_expires_at, expiresAt: row.expires_at },
  };
}
