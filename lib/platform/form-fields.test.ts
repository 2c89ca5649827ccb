import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listField, optionalField } from './form-fields';

describe('form fields', () => {
  it('optionalField: blank is absent; anything else goes to the schema', () => {
    const days = optionalField(z.coerce.number<string | number>().int().min(1));
    expect(days.parse('')).toBeUndefined();
    expect(days.parse('  ')).toBeUndefined();
    expect(days.parse(undefined)).toBeUndefined();
    expect(days.parse('30')).toBe(30);
    expect(days.safeParse('0').success).toBe(false);
    expect(optionalField(z.enum(['team', 'enterprise'])).safeParse('platinum').success).toBe(false);
  });

  it('listField: nothing ticked is an empty list, one ticked box a list of one', () => {
    const ids = listField(z.array(z.string()));
    expect(ids.parse(undefined)).toEqual([]);
    expect(ids.parse('a')).toEqual(['a']);
    expect(ids.parse(['a', 'b'])).toEqual(['a', 'b']);
    expect(listField(z.array(z.string()).min(1, 'Choose one.')).safeParse(undefined).error?.issues[0]?.message).toBe('Choose one.');
  });
});
