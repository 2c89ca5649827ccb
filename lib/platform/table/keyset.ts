import 'server-only';
import { z } from 'zod';
import type { SearchParamsInput, SortDir } from './query';

/**
 * Keyset (cursor) paging for the big tables (audit events, pull events),
 * where OFFSET and a full count(*) grow with the table. The URL carries an
 * opaque cursor, `after=` (the page after a row) or `before=` (the page
 * before it), and the page shows Previous/Next instead of page numbers.
 *
 * A cursor is only a position (the sort column's value and the row id of the
 * row it was taken from): the query that reads a page applies its scope and
 * filters as always, so a cursor forged or copied from another tenant's URL
 * can move where a page starts but never widen what it may contain. A cursor
 * that does not parse, or was made for another sort, is ignored (first page):
 * URLs are user input.
 */

export type KeysetParams = { after: string | null; before: string | null };

/**
 * What a keyset page tells the table: the cursors of its neighbours, null
 * where there is none. `partial`: the page read a bounded stretch of the table
 * (a search no index answers), so it may hold fewer rows than a page, even
 * none, while Next continues further on.
 */
export type KeysetPage = { next: string | null; prev: string | null; partial?: boolean };

export type KeysetPosition = { sort: string; dir: SortDir; value: string | null; id: bigint };

const MAX_CURSOR_LENGTH = 600;

function first(params: SearchParamsInput, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

const cursorText = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .regex(/^[A-Za-z0-9_-]+$/)
  .optional()
  .catch(undefined);

/** `after`/`before` from the URL; `after` wins when both are present. */
export function parseKeysetParams(params: SearchParamsInput): KeysetParams {
  const after = cursorText.parse(first(params, 'after')) ?? null;
  const before = after ? null : (cursorText.parse(first(params, 'before')) ?? null);
  return { after, before };
}

const positionSchema = z.object({
  s: z.string().max(40),
  d: z.enum(['asc', 'desc']),
  v: z.string().max(400).nullable(),
  i: z.string().regex(/^\d{1,19}$/),
});

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ s: position.sort, d: position.dir, v: position.value, i: position.id.toString() }), 'utf8').toString('base64url');
}

/** The position a cursor stands for, or null when it is malformed or was made for another sort or direction. */
export function decodeCursor(cursor: string | null | undefined, expected: { sort: string; dir: SortDir }): KeysetPosition | null {
  if (!cursor) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = positionSchema.safeParse(json);
  if (!parsed.success || parsed.data.s !== expected.sort || parsed.data.d !== expected.dir) return null;
  const id = BigInt(parsed.data.i);
  if (id > 9_223_372_036_854_775_807n) return null;
  return { sort: parsed.data.s, dir: parsed.data.d, value: parsed.data.v, id };
}
