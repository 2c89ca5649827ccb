import 'server-only';
import type { Db } from '@/lib/platform/db/client';
import { describeRule, isConstrained, newestAllowedTag, tagAllowed, type VersionRule } from './version-rule';

/**
 * What a customer may run, for people (install instructions, the portal, the
 * CLI): the grant's version limit and, once the license has expired,
 * perpetual fallback, described in words, and the tag to install. The
 * gateway enforces the same rules (lib/product/gateway/version-gate.ts) from the
 * versions it has seen upstream (`repository_versions`).
 */
export interface AllowedVersions {
  rule: VersionRule;
  /** The license expiry, when it has passed. */
  expiredAt: Date | null;
  /** "all versions", "channel stable", "versions ^2, published before 2026-07-01". */
  text: string;
  /** The tag to install: the repository's default when it may be pulled, else the newest known one that may; null when none is known. */
  tag: string | null;
}

export function licenseExpired(licenseExpiresAt: Date | null | undefined, now = new Date()): Date | null {
  return licenseExpiresAt && licenseExpiresAt.getTime() <= now.getTime() ? licenseExpiresAt : null;
}

export function describeAllowed(rule: VersionRule | null, expiredAt: Date | null): string {
  const base = describeRule(rule);
  if (!expiredAt) return base;
  const until = `published before ${expiredAt.toISOString().slice(0, 10)}`;
  return isConstrained(rule) ? `${base}, ${until}` : `versions ${until}`;
}

export async function allowedVersions(db: Db, repository: { id: string; defaultTag: string }, rule: VersionRule | null, expiredAt: Date | null): Promise<AllowedVersions> {
  const settled: VersionRule = rule ?? { channel: null, versionRange: null };
  const text = describeAllowed(settled, expiredAt);
  if (!isConstrained(settled) && !expiredAt) return { rule: settled, expiredAt, text, tag: repository.defaultTag };
  const known = await db.repositoryVersion.findMany({ where: { repositoryId: repository.id }, select: { tag: true, publishedAt: true } });
  const permitted = known.filter((v) => tagAllowed(settled, v.tag) && (!expiredAt || v.publishedAt <= expiredAt)).map((v) => v.tag);
  const defaultKnown = known.some((v) => v.tag === repository.defaultTag);
  const defaultOk = tagAllowed(settled, repository.defaultTag) && (permitted.includes(repository.defaultTag) || (!expiredAt && !defaultKnown));
  return { rule: settled, expiredAt, text, tag: defaultOk ? repository.defaultTag : newestAllowedTag(null, permitted) };
}

/** Per granted repository, what the customer may run, in words (stats, the CLI). */
export async function grantedVersions(db: Db, orgId: string, now = new Date()): Promise<{ repository: string; versions: string }[]> {
  const [org, rows] = await Promise.all([
    db.organization.findUnique({ where: { id: orgId }, select: { licenseExpiresAt: true } }),
    db.repositoryGrant.findMany({ where: { orgId }, orderBy: { repository: { name: 'asc' } }, select: { channel: true, versionRange: true, repository: { select: { name: true } } } }),
  ]);
  const expiredAt = licenseExpired(org?.licenseExpiresAt, now);
  return rows.map((row) => ({ repository: row.repository.name, versions: describeAllowed({ channel: row.channel, versionRange: row.versionRange }, expiredAt) }));
}
