import { describe, expect, it } from 'vitest';
import { describeRule, newestAllowedTag, parseVersionRule, tagAllowed, tagVersion, type VersionRule } from './version-rule';

const rule = (channel: string | null, versionRange: string | null): VersionRule => ({ channel, versionRange });

describe('parseVersionRule', () => {
  it('normalizes patterns and keeps the range as written', () => {
    expect(parseVersionRule({ channel: ' stable ,*-lts, stable', versionRange: ' >=2.0.0 <3 ' })).toEqual({ ok: true, rule: { channel: 'stable, *-lts', versionRange: '>=2.0.0 <3' } });
    expect(parseVersionRule({ channel: '', versionRange: null })).toEqual({ ok: true, rule: { channel: null, versionRange: null } });
  });

  it('names the field and the problem', () => {
    expect(parseVersionRule({ channel: 'stable; rm -rf' })).toMatchObject({ ok: false, field: 'channel', message: expect.stringContaining('not a tag pattern') });
    expect(parseVersionRule({ versionRange: 'newest please' })).toMatchObject({ ok: false, field: 'versionRange', message: expect.stringContaining('not a semver range') });
  });
});

describe('tagAllowed', () => {
  it('admits every tag without a rule', () => {
    expect(tagAllowed(null, 'anything')).toBe(true);
    expect(tagAllowed(rule(null, null), 'latest')).toBe(true);
  });

  it('matches channels as whole-tag patterns', () => {
    const stable = rule('stable, *-lts', null);
    expect(tagAllowed(stable, 'stable')).toBe(true);
    expect(tagAllowed(stable, '2.4-lts')).toBe(true);
    expect(tagAllowed(stable, 'unstable')).toBe(false);
    expect(tagAllowed(stable, 'stable-rc')).toBe(false);
    // A dot in a pattern is a dot, not any character.
    expect(tagAllowed(rule('2.4', null), '2x4')).toBe(false);
  });

  it('admits tags that name a version inside the range, prereleases only when asked for', () => {
    const two = rule(null, '>=2.0.0 <3');
    expect(tagAllowed(two, '2.4.1')).toBe(true);
    expect(tagAllowed(two, 'v2.0.0')).toBe(true);
    expect(tagAllowed(two, '2.4')).toBe(true);
    expect(tagAllowed(two, '3.0.0')).toBe(false);
    expect(tagAllowed(two, '2.5.0-rc.1')).toBe(false);
    expect(tagAllowed(two, 'stable')).toBe(false);
    expect(tagAllowed(rule(null, '>=2.5.0-rc.0 <3'), '2.5.0-rc.1')).toBe(true);
  });

  it('applies both parts when both are set', () => {
    const both = rule('*.*.*', '^2');
    expect(tagAllowed(both, '2.1.0')).toBe(true);
    expect(tagAllowed(both, '2.1')).toBe(false);
    expect(tagAllowed(both, '1.9.0')).toBe(false);
  });
});

describe('helpers', () => {
  it('reads versions from tags', () => {
    expect(tagVersion('v1.2.3')).toBe('1.2.3');
    expect(tagVersion('2')).toBe('2.0.0');
    expect(tagVersion('2.1-alpine')).toBeNull();
    expect(tagVersion('latest')).toBeNull();
  });

  it('describes rules for people', () => {
    expect(describeRule(null)).toBe('all versions');
    expect(describeRule(rule('stable', '^2'))).toBe('channel stable, versions ^2');
  });

  it('picks the newest permitted tag by semver, not by name', () => {
    expect(newestAllowedTag(rule(null, '^2'), ['2.9.0', '2.10.0', '3.0.0', '2.11.0-rc.1', 'latest'])).toBe('2.10.0');
    expect(newestAllowedTag(rule('stable', null), ['1.0.0', 'stable'])).toBe('stable');
    expect(newestAllowedTag(rule(null, '^4'), ['1.0.0'])).toBeNull();
  });
});
