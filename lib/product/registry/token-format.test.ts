import { describe, expect, it } from 'vitest';
import { displayPrefix, generateToken, isWellFormedToken, TOKEN_LENGTH, TOKEN_PATTERN } from './token-format';

describe('registry token format', () => {
  it('has a scanner-friendly prefix, fixed length and a valid checksum', () => {
    const token = generateToken();
    expect(token).toMatch(TOKEN_PATTERN);
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(isWellFormedToken(token)).toBe(true);
    expect(displayPrefix(token)).toBe(token.slice(0, 12));
  });

  it('carries at least 128 bits of entropy and does not repeat', () => {
    // 32 base62 characters of randomness: 32 × log2(62) ≈ 190 bits.
    expect(32 * Math.log2(62)).toBeGreaterThan(128);
    const seen = new Set(Array.from({ length: 2000 }, generateToken));
    expect(seen.size).toBe(2000);
    // Every alphabet position is used across many tokens (no stuck digits).
    const bodies = [...seen].map((t) => t.slice(4, 36));
    for (let position = 0; position < 32; position++) {
      expect(new Set(bodies.map((b) => b[position])).size).toBeGreaterThan(40);
    }
  });

  it('rejects typos, truncation, other prefixes and a bad checksum', () => {
    const token = generateToken();
    const flipped = token.slice(0, 10) + (token[10] === 'a' ? 'b' : 'a') + token.slice(11);
    expect(isWellFormedToken(flipped)).toBe(false);
    expect(isWellFormedToken(token.slice(0, -1))).toBe(false);
    expect(isWellFormedToken(`ghp_${token.slice(4)}`)).toBe(false);
    expect(isWellFormedToken(`${token} `)).toBe(false);
    expect(isWellFormedToken('')).toBe(false);
  });
});
