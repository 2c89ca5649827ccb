import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverCustomerReads, discoverEntryPoints, exportedNames, isServerModule, staffActionNames, valueImports } from './discover';

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

  it('marks staffAction exports as staff-only', () => {
    const source = [
      "export const a = staffAction('sso.manage', schema, handler);",
      'export const b = formAction(schema, handler);',
      "export const c =\n  staffAction(\n  'x', s, h);",
    ].join('\n');
    expect(staffActionNames(source)).toEqual(['a', 'c']);
  });

  it('finds every entry point of the app, the staff dashboard and sign-in included, each staff-only or not', () => {
    const { entryPoints } = discoverEntryPoints(path.resolve(import.meta.dirname, '../..'));
    const staff = entryPoints.filter((entry) => entry.staffOnly).map((entry) => entry.id);
    expect(staff).toEqual(expect.arrayContaining(['app/(admin)/admin/customers/actions.ts#updateCustomerAction', 'app/(admin)/admin/audit/export/route.ts#GET', 'lib/identity/sso/actions.ts#approveDomainAction']));
    expect(staff.every((id) => id.startsWith('app/(admin)/') || id === 'lib/identity/sso/actions.ts#approveDomainAction')).toBe(true);
    const customerFacing = entryPoints.filter((entry) => !entry.staffOnly).map((entry) => entry.id);
    expect(customerFacing).toEqual(expect.arrayContaining(['app/(auth)/actions.ts#signInAction', 'lib/identity/sso/actions.ts#addDomainAction', 'app/api/v1/entitlements/route.ts#GET']));
  });

  it('reads value imports, leaving types out', () => {
    const source = [
      "import { a, type B, c as d } from '@/lib/x';",
      "import type { E } from '@/lib/y';",
      "import F from './f';",
      "import {\n  g,\n  h,\n} from '@/components/z';",
      "import * as everything from '@/lib/w';",
      "import D, { e } from '@/lib/v';",
    ].join('\n');
    expect(valueImports(source)).toEqual([
      ['@/lib/x', ['a', 'c']],
      ['./f', ['F']],
      ['@/components/z', ['g', 'h']],
      ['@/lib/w', ['*']],
      ['@/lib/v', ['e', 'D']],
    ]);
  });

  it('finds what customer-facing pages read, through the components they render', () => {
    const reads = discoverCustomerReads(path.resolve(import.meta.dirname, '../..'));
    expect([...reads.keys()]).toEqual(expect.arrayContaining(['@/lib/product/portal/overview#portalOverview', '@/lib/identity/audit/list#listAuditEvents', '@/lib/plans/license#getFeatureDecision']));
    // Server actions are the tenant sweep's, not reads.
    expect([...reads.values()].some((file) => file.endsWith('/actions.ts'))).toBe(false);
  });
});
