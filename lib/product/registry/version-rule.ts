import 'server-only';
import semver from 'semver';

/**
 * Which versions of a repository a repository grant lets a customer pull: a
 * channel (tag patterns, `*` matching any run of characters, e.g. `stable`,
 * `*-lts`, `2.*`) and a semver range (`>=2.0.0 <3`, `^2.4`, `2.x`). Either,
 * both (a tag must pass both) or neither (every version). Pure: the gateway,
 * the instructions, the portal and the CLI all decide with these functions.
 */
export interface VersionRule {
  /** Comma-separated tag patterns; null: any tag. */
  channel: string | null;
  /** A semver range; null: any version. */
  versionRange: string | null;
}

export const ANY_VERSION: VersionRule = { channel: null, versionRange: null };

const PATTERN = /^[A-Za-z0-9_*][A-Za-z0-9_.*-]{0,127}$/;

export type RuleInput = { channel?: string | null; versionRange?: string | null };

/** Validates and normalizes staff input; an error names the field and what is wrong. */
export function parseVersionRule(input: RuleInput): { ok: true; rule: VersionRule } | { ok: false; field: 'channel' | 'versionRange'; message: string } {
  const channelText = input.channel?.trim() ?? '';
  const rangeText = input.versionRange?.trim() ?? '';
  let channel: string | null = null;
  if (channelText) {
    const patterns = channelText.split(',').map((p) => p.trim()).filter(Boolean);
    const bad = patterns.find((p) => !PATTERN.test(p));
    if (bad !== undefined || patterns.length === 0 || patterns.length > 20) {
      return { ok: false, field: 'channel', message: `"${bad ?? channelText}" is not a tag pattern: use letters, digits, ".", "_", "-" and "*" (any characters), separated by commas, e.g. "stable, *-lts".` };
    }
    channel = [...new Set(patterns)].join(', ');
  }
  let versionRange: string | null = null;
  if (rangeText) {
    if (rangeText.length > 200 || semver.validRange(rangeText) === null) {
      return { ok: false, field: 'versionRange', message: `"${rangeText.slice(0, 60)}" is not a semver range: e.g. ">=2.0.0 <3", "^2.4" or "2.x".` };
    }
    versionRange = rangeText;
  }
  return { ok: true, rule: { channel, versionRange } };
}

export function isConstrained(rule: VersionRule | null | undefined): rule is VersionRule {
  return !!rule && (rule.channel !== null || rule.versionRange !== null);
}

const patternCache = new Map<string, RegExp>();

function channelRegex(channel: string): RegExp {
  let re = patternCache.get(channel);
  if (!re) {
    const alternatives = channel.split(',').map((p) => p.trim().replace(/[.+?^${}()|[\]\\-]/g, '\\$&').replace(/\*/g, '.*'));
    re = new RegExp(`^(?:${alternatives.join('|')})$`);
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(channel, re);
  }
  return re;
}

/** The semver a tag names (`2.4.1`, `v2.4.1`, `2.4`, `2`), or null for tags like `stable`. */
export function tagVersion(tag: string): string | null {
  const clean = semver.valid(semver.clean(tag));
  if (clean) return clean;
  return /^v?\d+(\.\d+)?$/.test(tag) ? (semver.coerce(tag)?.version ?? null) : null;
}

/** Whether a tag passes the rule. A range admits only tags that name a version (prereleases only when the range names one). */
export function tagAllowed(rule: VersionRule | null | undefined, tag: string): boolean {
  if (!isConstrained(rule)) return true;
  if (rule.channel !== null && !channelRegex(rule.channel).test(tag)) return false;
  if (rule.versionRange !== null) {
    const version = tagVersion(tag);
    if (!version || !semver.satisfies(version, rule.versionRange)) return false;
  }
  return true;
}

/** For people: "channel stable, versions >=2.0.0 <3", or "all versions". */
export function describeRule(rule: VersionRule | null | undefined): string {
  if (!isConstrained(rule)) return 'all versions';
  const parts: string[] = [];
  if (rule.channel !== null) parts.push(`channel ${rule.channel}`);
  if (rule.versionRange !== null) parts.push(`versions ${rule.versionRange}`);
  return parts.join(', ');
}

/** The newest of the tags the rule admits (by semver where tags name versions, else the last by name), for instructions. */
export function newestAllowedTag(rule: VersionRule | null | undefined, tags: readonly string[]): string | null {
  const allowed = tags.filter((tag) => tagAllowed(rule, tag));
  if (!allowed.length) return null;
  const versioned = allowed.filter((tag) => tagVersion(tag) !== null && !semver.prerelease(tagVersion(tag)!));
  if (versioned.length) return versioned.sort((a, b) => semver.rcompare(tagVersion(a)!, tagVersion(b)!))[0]!;
  return [...allowed].sort().at(-1)!;
}
