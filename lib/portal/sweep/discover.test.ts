import { describe, expect, it } from 'vitest';
import { exportedNames, isServerModule } from './discover';

describe('sweep discovery', () => {
  it('recognizes server modules by their leading directive only', () => {
    expect(isServerModule("'use server';\nexport async function a() {}")).toBe(true);
    expect(isServerModule('// why\n/* more */\n"use server"\n')).toBe(true);
    expect(isServerModule("import x from 'y';\n'use server';")).toBe(false);
    expect(isServerModule("'use client';")).toBe(false);
  });

  it('lists every export form', () => {
    const source = [
      'export async function one() {}',
      'export function two() {}',
      'export const three = formAction(schema, handler);',
      'export const { GET, POST } = handlers;',
      'const four = 1; const five = 2;',
      'export { four, five as six };',
    ].join('\n');
    expect(exportedNames(source)).toEqual(['GET', 'POST', 'four', 'one', 'six', 'three', 'two']);
  });
});
