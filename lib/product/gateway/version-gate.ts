import 'server-only';
import { publicUrl } from '@/lib/platform/config/public-url';
import type { VerifiedToken } from '@/lib/product/registry/credentials';
import { describeRule, tagAllowed, type VersionRule } from '@/lib/product/registry/version-rule';
import { licenseExpired } from '@/lib/product/registry/versions';
import type { UpstreamRepository } from './caches';
import { isDigest } from './routes';
import type { KnownVersion, VersionIndex } from './versions';

/**
 * Version and channel limits and perpetual fallback at the gateway.
 * A customer's repository grant may admit only some tags (lib/product/registry/version-rule.ts);
 * once its license has expired, only versions published before the expiry.
 * A manifest by tag is judged by its tag (and, under fallback, the date of what
 * it points to); a manifest by digest only when a tag that may be pulled points
 * to it; tags/list lists only tags that may be pulled. Blobs are not judged:
 * their digests come from manifests the customer was allowed to read.
 */
export interface VersionPolicy {
  rule: VersionRule | null;
  /** The license expiry, when it has passed: newer versions are refused. */
  expiredAt: Date | null;
}

/** null (the common case: nothing to check, no I/O) when the grant admits every version and the license is current. */
export function versionPolicy(token: Pick<VerifiedToken, 'versionRules' | 'licenseExpiresAt'>, repository: string, now = Date.now()): VersionPolicy | null {
  const rule = token.versionRules[repository] ?? null;
  const expiredAt = licenseExpired(token.licenseExpiresAt, new Date(now));
  return rule || expiredAt ? { rule, expiredAt } : null;
}

export type VersionRefusal = { reason: 'version not granted' | 'published after license expiry'; message: string };

/**
 * Why a manifest may not be pulled, or null when it may. Decided on what this
 * replica remembers; a refusal only on what the database and upstream say now.
 */
export async function checkManifest(index: VersionIndex, repo: UpstreamRepository, policy: VersionPolicy, reference: string, customer: string): Promise<VersionRefusal | null> {
  const remembered = await decide(index, repo, policy, reference, customer, false);
  return remembered && decide(index, repo, policy, reference, customer, true);
}

async function decide(index: VersionIndex, repo: UpstreamRepository, policy: VersionPolicy, reference: string, customer: string, fresh: boolean): Promise<VersionRefusal | null> {
  const { rule, expiredAt } = policy;
  if (isDigest(reference)) {
    const tags = await index.tagsFor(repo, reference, fresh);
    const permitted = tags.filter((v) => tagAllowed(rule, v.tag));
    if (permitted.some((v) => !expiredAt || v.publishedAt <= expiredAt)) return null;
    if (permitted.length && expiredAt) return fallbackRefusal(repo.name, `@${reference}`, customer, expiredAt, permitted[0]!);
    return {
      reason: 'version not granted',
      message: `${repo.name}@${reference} is not a version ${customer} may pull (${describeRule(rule)}${expiredAt ? `, published before ${day(expiredAt)}` : ''}); pull it by a tag those versions include`,
    };
  }
  if (!tagAllowed(rule, reference)) {
    return { reason: 'version not granted', message: `${repo.name}:${reference} is outside what ${customer} may pull (${describeRule(rule)}); pull one of those versions, or ask your vendor` };
  }
  // Dated under fallback; and recorded, so the platform manifests the client asks for next by digest are known.
  const version = await index.resolveTag(repo, reference, fresh);
  if (version && expiredAt && version.publishedAt > expiredAt) return fallbackRefusal(repo.name, `:${reference}`, customer, expiredAt, version);
  return null;
}

/** The tags of one tags/list page that may be pulled. */
export async function permittedTags(index: VersionIndex, repo: UpstreamRepository, policy: VersionPolicy, tags: readonly string[]): Promise<string[]> {
  const allowed = tags.filter((tag) => tagAllowed(policy.rule, tag));
  if (!policy.expiredAt) return allowed;
  const dates = await index.publishedAt(repo, allowed);
  return allowed.filter((tag) => {
    const published = dates.get(tag);
    return published !== undefined && published <= policy.expiredAt!;
  });
}

function fallbackRefusal(repository: string, reference: string, customer: string, expiredAt: Date, version: KnownVersion): VersionRefusal {
  return {
    reason: 'published after license expiry',
    message:
      `${repository}${reference} was published on ${day(version.publishedAt)}, after ${customer}'s license expired on ${day(expiredAt)}; ` +
      `versions published until then remain available; renew at ${publicUrl()}/portal/${customer}/billing`,
  };
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}
