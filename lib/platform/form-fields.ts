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
