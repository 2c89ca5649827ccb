import { describe, expect, it } from 'vitest';
import { addressKey } from '@/lib/platform/rate-limit';
import { signInLimitsFromEnv, waitText } from './sign-in-limiter';

describe('sign-in limits', () => {
  it('count an IPv4 address as itself and an IPv6 address by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe(addressKey('2001:db8:1:2:ffff::9'));
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey(null)).toBe('unknown');
    expect(addressKey('not an address')).toBe('unknown');
  });

  it('read their budgets from the environment and refuse nonsense', () => {
    expect(signInLimitsFromEnv({})).toEqual({ perAddress: 30, perAccountAddress: 5, accountFreeFailures: 10, accountMaxDelaySeconds: 300 });
    expect(signInLimitsFromEnv({ SIGN_IN_MAX_FAILURES_PER_EMAIL: '3', SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS: '60' })).toMatchObject({ perAccountAddress: 3, accountMaxDelaySeconds: 60 });
    expect(() => signInLimitsFromEnv({ SIGN_IN_MAX_FAILURES_PER_IP: '0' })).toThrow(/SIGN_IN_MAX_FAILURES_PER_IP must be a whole number of at least 1/);
    expect(() => signInLimitsFromEnv({ SIGN_IN_ACCOUNT_FAILURES_BEFORE_DELAY: 'ten' })).toThrow(/at least 1/);
  });

  it('say how long to wait in words', () => {
    expect(waitText(1)).toBe('1 second');
    expect(waitText(45)).toBe('45 seconds');
    expect(waitText(900)).toBe('15 minutes');
  });
});
