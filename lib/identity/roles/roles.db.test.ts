import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { changeMemberRole } from '@/lib/identity/members/members';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { createMember, createOrg } from '@/dev/testing/factories';
import { assignableRoles, createRole, deleteRole, listRoles, updateRole } from './roles';

describe('custom roles', () => {
  it('composes a role from permissions, always including org.view, and enforces it server-side', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const admin = await createMember(org.id, 'admin');
    const role = await createRole(admin.actor, { orgId: org.id, name: 'QA Engineer', permissions: ['instructions.view', 'licenses.view'] });
    expect(role.permissions).toEqual(['org.view', 'instructions.view', 'licenses.view']);
    const qa = await createMember(org.id, 'custom', role.id);
    await expect(authorizeOrg(prisma, qa.actor, { id: org.id }, { org: 'instructions.view' })).resolves.toBeTruthy();
    await expect(authorizeOrg(prisma, qa.actor, { id: org.id }, { org: 'tokens.view' })).rejects.toBeInstanceOf(ForbiddenError);

    // Editing the role takes effect for its holders at once.
    await updateRole(admin.actor, { orgId: org.id, roleId: role.id, name: 'QA Engineer', permissions: ['instructions.view', 'licenses.view', 'tokens.view'] });
    await expect(authorizeOrg(prisma, qa.actor, { id: org.id }, { org: 'tokens.view' })).resolves.toBeTruthy();

    const listed = await listRoles(admin.actor, org.id);
    expect(listed.builtin.map((r) => r.key)).toEqual(['owner', 'admin', 'editor', 'viewer']);
    expect(listed.custom).toMatchObject([{ name: 'QA Engineer', members: 1 }]);
    const actions = (await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['role.create', 'role.update']);
  });

  it('refuses roles with permissions the author lacks, unknown permissions, empty sets and taken names', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const admin = await createMember(org.id, 'admin');
    const owner = await createMember(org.id, 'owner');
    // Admins lack billing.manage, so they cannot compose (or edit, or delete) a role holding it.
    await expect(createRole(admin.actor, { orgId: org.id, name: 'Billing', permissions: ['billing.manage'] })).rejects.toThrow(/do not hold: billing.manage/);
    const billing = await createRole(owner.actor, { orgId: org.id, name: 'Billing', permissions: ['billing.view', 'billing.manage'] });
    await expect(updateRole(admin.actor, { orgId: org.id, roleId: billing.id, name: 'Billing', permissions: ['billing.view'] })).rejects.toBeInstanceOf(ValidationError);
    await expect(deleteRole(admin.actor, { orgId: org.id, roleId: billing.id })).rejects.toBeInstanceOf(ValidationError);

    await expect(createRole(owner.actor, { orgId: org.id, name: 'X', permissions: ['root.everything'] })).rejects.toThrow(/Unknown permission/);
    await expect(createRole(owner.actor, { orgId: org.id, name: 'X', permissions: ['org.view'] })).rejects.toThrow(/at least one permission/);
    await expect(createRole(owner.actor, { orgId: org.id, name: 'X', permissions: [] })).rejects.toThrow(/at least one permission/);
    await expect(createRole(owner.actor, { orgId: org.id, name: 'admin', permissions: ['pulls.view'] })).rejects.toThrow(/built-in role/);
    await expect(createRole(owner.actor, { orgId: org.id, name: 'billing', permissions: ['pulls.view'] })).rejects.toBeInstanceOf(ConflictError);
    await expect(createRole(owner.actor, { orgId: org.id, name: '  ', permissions: ['pulls.view'] })).rejects.toThrow(/Give the role a name/);
    expect(await prisma.role.count({ where: { orgId: org.id } })).toBe(1);
  });

  it('a member holding roles.manage cannot climb by editing their own role', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const managers = await createRole(owner.actor, { orgId: org.id, name: 'Role managers', permissions: ['roles.manage', 'members.view'] });
    const manager = await createMember(org.id, 'custom', managers.id);
    await expect(
      updateRole(manager.actor, { orgId: org.id, roleId: managers.id, name: 'Role managers', permissions: ['roles.manage', 'members.view', 'members.manage'] }),
    ).rejects.toThrow(/do not hold: members.manage/);
    expect((await prisma.role.findUniqueOrThrow({ where: { id: managers.id } })).permissions).not.toContain('members.manage');
  });

  it('only offers roles the actor may grant', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    await createRole(owner.actor, { orgId: org.id, name: 'Payer', permissions: ['billing.manage'] });
    const options = await assignableRoles(prisma, org.id, { role: 'admin', permissions: (await authorizeOrg(prisma, owner.actor, { id: org.id }, { org: 'org.view' })).permissions.filter((p) => p !== 'billing.manage') });
    expect(options.filter((option) => !option.disabled).map((option) => option.label)).toEqual(['Admin', 'Editor', 'Viewer']);
  });

  it('will not delete a role in use; deleting withdraws its pending invitations', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const role = await createRole(owner.actor, { orgId: org.id, name: 'QA', permissions: ['licenses.view'] });
    const holder = await createMember(org.id, 'custom', role.id);
    await expect(deleteRole(owner.actor, { orgId: org.id, roleId: role.id })).rejects.toThrow(/One member holds "QA"/);
    await changeMemberRole(owner.actor, { orgId: org.id, membershipId: holder.membership.id, role: 'viewer' });
    await deleteRole(owner.actor, { orgId: org.id, roleId: role.id });
    expect(await prisma.role.count({ where: { orgId: org.id } })).toBe(0);
  });

  it('answers 404 for another org’s role and 403 without roles.manage', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const other = await createOrg({ tier: 'enterprise' });
    const owner = await createMember(org.id, 'owner');
    const editor = await createMember(org.id, 'editor');
    const theirs = await prisma.role.create({ data: { orgId: other.id, name: 'Theirs', permissions: ['licenses.view'] } });
    await expect(updateRole(owner.actor, { orgId: org.id, roleId: theirs.id, name: 'Mine', permissions: ['licenses.view'] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteRole(owner.actor, { orgId: other.id, roleId: theirs.id })).rejects.toBeInstanceOf(NotFoundError);
    await expect(createRole(editor.actor, { orgId: org.id, name: 'Nope', permissions: ['licenses.view'] })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await prisma.role.findUniqueOrThrow({ where: { id: theirs.id } })).name).toBe('Theirs');
  });
});
