import { describe, expect, it } from 'vitest';
import { backoffMs, signPayload, verifySignature } from './signature';

describe('SIEM signatures', () => {
  it('sign t.body with HMAC-SHA256 and verify within the tolerance only', () => {
    const header = signPayload('secret-secret-secret-secret', '{"a":1}', 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('secret-secret-secret-secret', '{"a":1}', header, 300, 1_800_000_100_000)).toBe(true);
    expect(verifySignature('secret-secret-secret-secret', '{"a":2}', header, 300, 1_800_000_100_000)).toBe(false);
    expect(verifySignature('secret-secret-secret-secret', '{"a":1}', header, 300, 1_800_001_000_000)).toBe(false);
    expect(verifySignature('secret-secret-secret-secret', '{"a":1}', 't=x,v1=00', 300)).toBe(false);
    expect(verifySignature('secret-secret-secret-secret', '{"a":1}', undefined)).toBe(false);
  });

  it('back off exponentially with jitter, capped', () => {
    const max = (attempt: number) => backoffMs(attempt, { baseMs: 1000, maxMs: 60_000, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(max)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(backoffMs(3, { baseMs: 1000, random: () => 0 })).toBe(2000);
  });
});
