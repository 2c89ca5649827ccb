import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError } from '@/lib/platform/errors';
import { assertCanChangeRole, assertCanGrant, assertCanRemove, builtinRole, canGrant, losesLastOwner, type HeldRole } from './grants';
import { BUILTIN_ROLES, membershipPermissions, ORG_PERMISSIONS, STAFF_ROLES, staffCan } from './permissions';

const owner = builtinRole('owner');
const admin = builtinRole('admin');
const editor = builtinRole('editor');
const viewer = builtinRole('viewer');
const qa: HeldRole = { role: 'custom', permissions: ['org.view', 'instructions.view', 'licenses.view'] };
const tokenRotator: HeldRole = { role: 'custom', permissions: ['org.view', 'tokens.rotate', 'billing.manage'] };

describe('built-in roles', () => {
  it('nest: each role holds every permission of the roles below it', () => {
    const ordered = Object.values(BUILTIN_ROLES).sort((a, b) => a.rank - b.rank);
    for (let i = 1; i < ordered.length; i++) {
      for (const permission of ordered[i - 1]!.permissions) {
        expect(ordered[i]!.permissions).toContain(permission);
      }
    }
  });

  it('gives the owner every org permission and keeps billing changes and SSO connections from admins', () => {
    expect([...BUILTIN_ROLES.owner.permissions].sort()).toEqual([...ORG_PERMISSIONS].sort());
    expect(BUILTIN_ROLES.admin.permissions).not.toContain('billing.manage');
    // An IdP vouches for the org's people: whoever adds one can sign in as them.
    expect(BUILTIN_ROLES.admin.permissions).not.toContain('sso.connections');
    expect(BUILTIN_ROLES.admin.permissions).toContain('sso.manage');
  });

  it('lets only someone holding sso.connections grant it in a custom role', () => {
    const connections: HeldRole = { role: 'custom', permissions: ['org.view', 'sso.manage', 'sso.connections'] };
    expect(canGrant(owner, connections)).toBe(true);
    expect(canGrant(admin, connections)).toBe(false);
  });

  it('lets editors rotate tokens but not viewers', () => {
    expect(membershipPermissions('editor')).toContain('tokens.rotate');
    expect(membershipPermissions('viewer')).not.toContain('tokens.rotate');
  });

  it('reads custom roles from their permission list and drops unknown strings', () => {
    expect(membershipPermissions('custom', ['org.view', 'nonsense.do'])).toEqual(['org.view']);
    expect(membershipPermissions('custom', null)).toEqual([]);
  });
});

describe('staff roles', () => {
  it('reserves revoke-all, deactivation, templates and upstream credentials for staff-admin', () => {
    for (const permission of ['tokens.revoke_all', 'customers.deactivate', 'templates.manage', 'repositories.manage'] as const) {
      expect(staffCan('staff-admin', permission)).toBe(true);
      expect(staffCan('staff-support', permission)).toBe(false);
      expect(staffCan('staff-billing', permission)).toBe(false);
    }
  });

  it('lets support onboard and mint or rotate tokens', () => {
    for (const permission of ['customers.create', 'tokens.create', 'tokens.rotate'] as const) {
      expect(staffCan('staff-support', permission)).toBe(true);
    }
    expect(staffCan(null, 'customers.view')).toBe(false);
    expect(STAFF_ROLES['staff-billing'].permissions).toContain('billing.manage');
  });
});

describe('granting roles', () => {
  it('allows granting your own role or below, never above', () => {
    expect(canGrant(admin, admin)).toBe(true);
    expect(canGrant(admin, editor)).toBe(true);
    expect(canGrant(admin, owner)).toBe(false);
    expect(canGrant(editor, admin)).toBe(false);
    expect(canGrant(viewer, viewer)).toBe(true);
    expect(() => assertCanGrant(editor, owner)).toThrow(ForbiddenError);
  });

  it('compares custom roles by their permissions', () => {
    expect(canGrant(admin, qa)).toBe(true);
    expect(canGrant(viewer, qa)).toBe(true);
    expect(canGrant(admin, tokenRotator)).toBe(false); // holds billing.manage
    expect(canGrant(qa, viewer)).toBe(false); // viewer sees pulls and members, qa does not
    expect(canGrant({ ...admin, staff: true }, owner)).toBe(true);
  });
});

describe('changing and removing members', () => {
  it('refuses to touch a member above you', () => {
    expect(() => assertCanChangeRole({ actor: admin, target: owner, next: viewer, ownerCount: 2 })).toThrow(ForbiddenError);
    expect(() => assertCanRemove({ actor: admin, target: owner, ownerCount: 2 })).toThrow(ForbiddenError);
    expect(() => assertCanChangeRole({ actor: admin, target: editor, next: viewer, ownerCount: 1 })).not.toThrow();
  });

  it('never demotes or removes the last owner', () => {
    expect(() => assertCanChangeRole({ actor: owner, target: owner, next: admin, ownerCount: 1, self: true })).toThrow(ConflictError);
    expect(() => assertCanRemove({ actor: owner, target: owner, ownerCount: 1, self: true })).toThrow(/last owner/);
    expect(() => assertCanRemove({ actor: { ...owner, staff: true }, target: owner, ownerCount: 1 })).toThrow(ConflictError);
    expect(() => assertCanChangeRole({ actor: owner, target: owner, next: admin, ownerCount: 2 })).not.toThrow();
    expect(() => assertCanRemove({ actor: owner, target: owner, ownerCount: 2, self: true })).not.toThrow();
  });

  it('names the last-owner rule for paths without an acting granter (SSO group mapping)', () => {
    expect(losesLastOwner(owner, editor, 1)).toBe(true);
    expect(losesLastOwner(owner, qa, 1)).toBe(true);
    expect(losesLastOwner(owner, null, 1)).toBe(true);
    expect(losesLastOwner(owner, owner, 1)).toBe(false);
    expect(losesLastOwner(owner, editor, 2)).toBe(false);
    expect(losesLastOwner(admin, viewer, 0)).toBe(false);
  });

  it('lets anyone leave, except the last owner', () => {
    expect(() => assertCanRemove({ actor: viewer, target: viewer, ownerCount: 1, self: true })).not.toThrow();
  });
});
