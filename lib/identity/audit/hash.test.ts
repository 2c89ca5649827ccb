import { describe, expect, it } from 'vitest';
import { auditHash, canonicalJson, GENESIS_HASH, snapshot, type AuditContent } from './hash';

const content: AuditContent = {
  occurredAt: new Date('2026-01-02T03:04:05.678Z'),
  actorType: 'staff',
  actorId: 'u1',
  actorLabel: 'ada@vendor.test',
  action: 'token.revoke',
  targetType: 'registry_token',
  targetId: 't1',
  orgId: 'o1',
  ip: '10.0.0.1',
  userAgent: 'test',
  requestId: null,
  before: { status: 'active', nested: { b: 1, a: 2 } },
  after: { status: 'revoked' },
  metadata: null,
};

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});

describe('auditHash', () => {
  it('is stable under key reordering (as jsonb returns it)', () => {
    const reordered = { ...content, before: { nested: { a: 2, b: 1 }, status: 'active' } };
    expect(auditHash(GENESIS_HASH, reordered)).toBe(auditHash(GENESIS_HASH, content));
  });

  it('changes with any field and with the previous hash', () => {
    const base = auditHash(GENESIS_HASH, content);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(auditHash(GENESIS_HASH, { ...content, action: 'token.create' })).not.toBe(base);
    expect(auditHash(GENESIS_HASH, { ...content, after: { status: 'active' } })).not.toBe(base);
    expect(auditHash(GENESIS_HASH, { ...content, occurredAt: new Date(content.occurredAt.getTime() + 1) })).not.toBe(base);
    expect(auditHash('f'.repeat(64), content)).not.toBe(base);
  });
});

describe('snapshot', () => {
  it('drops secrets by key name and makes dates and bigints JSON', () => {
    expect(
      snapshot({
        name: 'ci',
        hash: 'abc',
        passwordHash: 'x',
        upstreamSecretEnc: 'y',
        token: 'pcr_live',
        tokenId: 'kept',
        at: new Date('2026-01-01T00:00:00Z'),
        n: 12n,
        list: [{ secret: 's', ok: true }],
      }),
    ).toEqual({ name: 'ci', tokenId: 'kept', at: '2026-01-01T00:00:00.000Z', n: '12', list: [{ ok: true }] });
  });
});
