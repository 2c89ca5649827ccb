import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, parseKeysetParams } from './keyset';

describe('keyset cursors', () => {
  it('round-trips a position, ids beyond 2^53 included', () => {
    const position = { sort: 'action', dir: 'asc' as const, value: 'token.create', id: 9_007_199_254_740_993n };
    expect(decodeCursor(encodeCursor(position), { sort: 'action', dir: 'asc' })).toEqual(position);
  });

  it('ignores a cursor made for another sort or direction, and anything that does not parse', () => {
    const cursor = encodeCursor({ sort: 'occurredAt', dir: 'desc', value: null, id: 5n });
    expect(decodeCursor(cursor, { sort: 'occurredAt', dir: 'asc' })).toBeNull();
    expect(decodeCursor(cursor, { sort: 'action', dir: 'desc' })).toBeNull();
    for (const bad of ['', 'x', '%%%', Buffer.from('[1,2]').toString('base64url'), Buffer.from('{"s":"occurredAt","d":"desc","v":null,"i":"-1"}').toString('base64url')]) {
      expect(decodeCursor(bad, { sort: 'occurredAt', dir: 'desc' })).toBeNull();
    }
    expect(decodeCursor(Buffer.from('{"s":"occurredAt","d":"desc","v":null,"i":"9999999999999999999"}').toString('base64url'), { sort: 'occurredAt', dir: 'desc' })).toBeNull();
  });

  it('reads after/before from the URL; after wins, junk is dropped', () => {
    expect(parseKeysetParams({})).toEqual({ after: null, before: null });
    expect(parseKeysetParams({ after: 'abc', before: 'def' })).toEqual({ after: 'abc', before: null });
    expect(parseKeysetParams(new URLSearchParams('before=def'))).toEqual({ after: null, before: 'def' });
    expect(parseKeysetParams({ after: 'a b<script>' })).toEqual({ after: null, before: null });
    expect(parseKeysetParams({ after: 'a'.repeat(601) })).toEqual({ after: null, before: null });
  });
});
