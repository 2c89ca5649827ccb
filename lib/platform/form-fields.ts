import 'server-only';
import { z } from 'zod';

// What HTML forms send, read into what services take. Services use these in
// their own schemas, so the form, the action and the service share one.

const isBlank = (value: unknown) => typeof value === 'string' && value.trim() === '';

/** A field that may be left out; a form sends '' for one left blank, which is the same. */
export function optionalField<S extends z.ZodType>(schema: S) {
  return z.preprocess((value: z.input<S> | '' | undefined) => (isBlank(value) ? undefined : value), schema.optional());
}

/** A list from a checkbox group or multi-select: none ticked sends nothing, one ticked sends a single value. */
export function listField<S extends z.ZodArray>(schema: S) {
  return z.preprocess(
    (value: z.input<S> | z.input<S>[number] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    schema,
  );
}

/**
 * An email address field with one message at a time: empty says what to
 * enter (`empty`), not also that '' is no valid address; too long or
 * malformed says that. Trimmed and lower-cased.
 */
export function emailField(empty = 'Enter an email address.', invalid = 'Enter a valid email address.') {
  return z
    .string({ error: empty })
    .trim()
    .toLowerCase()
    .min(1, { error: empty, abort: true })
    .max(320, { error: 'That address is too long.', abort: true })
    .email(invalid);
}
