import { describe, expect, it } from 'vitest';
import { membershipPermissions } from './permissions';
import { parseRoleRef, resolvedOf, roleRefString } from './role-ref';

describe('role references', () => {
  it('parses built-in keys and custom:<id>, and nothing else', () => {
    expect(parseRoleRef('admin')).toEqual({ kind: 'builtin', role: 'admin' });
    expect(parseRoleRef('custom:0193abc')).toEqual({ kind: 'custom', roleId: '0193abc' });
    expect(parseRoleRef('custom:')).toBeNull();
    expect(parseRoleRef('custom')).toBeNull();
    expect(parseRoleRef('toString')).toBeNull();
    expect(parseRoleRef('')).toBeNull();
  });

  it('round-trips memberships', () => {
    expect(roleRefString({ role: 'viewer', customRoleId: null })).toBe('viewer');
    expect(roleRefString({ role: 'custom', customRoleId: 'r1' })).toBe('custom:r1');
  });

  it('resolves custom roles with org.view implied and unknown permissions dropped', () => {
    const resolved = resolvedOf({ role: 'custom', customRoleId: 'r1', customRole: { name: 'QA', permissions: ['licenses.view', 'bogus.x'] } });
    expect(resolved).toEqual({ role: 'custom', customRoleId: 'r1', label: 'QA', permissions: ['org.view', 'licenses.view'] });
    expect(membershipPermissions('custom', ['licenses.view'])).toEqual(['org.view', 'licenses.view']);
    expect(membershipPermissions('custom', null)).toEqual([]);
    expect(membershipPermissions('unknown-role', ['licenses.view'])).toEqual([]);
  });
});
