import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError } from '@/lib/platform/errors';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { assertStaffPermission, authorizeOrg } from './authorize';

describe('authorizeOrg', () => {
  it('lets a member act with the permissions of their role', async () => {
    const org = await createOrg();
    const { actor } = await createMember(org.id, 'editor');
    const access = await authorizeOrg(prisma, actor, { slug: org.slug }, { org: 'tokens.rotate' });
    expect(access.viaStaff).toBe(false);
    expect(access.role).toBe('editor');
    expect(access.permissions).toContain('tokens.rotate');
  });

  it('answers 403 to a member without the permission', async () => {
    const org = await createOrg();
    const { actor } = await createMember(org.id, 'viewer');
    await expect(authorizeOrg(prisma, actor, { id: org.id }, { org: 'tokens.rotate' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('answers 404 to a member of another org, exactly as for a missing org', async () => {
    const mine = await createOrg();
    const theirs = await createOrg();
    const { actor } = await createMember(mine.id, 'owner');
    const foreign = authorizeOrg(prisma, actor, { id: theirs.id }, { org: 'org.view' });
    await expect(foreign).rejects.toBeInstanceOf(NotFoundError);
    await expect(authorizeOrg(prisma, actor, { id: 'no-such-org' }, { org: 'org.view' })).rejects.toThrow('Organization not found');
  });

  it('keeps members out of staff-only calls', async () => {
    const org = await createOrg();
    const { actor } = await createMember(org.id, 'owner');
    await expect(authorizeOrg(prisma, actor, { id: org.id }, { staff: 'tokens.create' })).rejects.toThrow(/vendor staff only/);
  });

  it('refuses a non-staff caller of a staff-only call identically, before looking the org up: no enumeration of customers', async () => {
    const mine = await createOrg();
    const theirs = await createOrg();
    const { actor } = await createMember(mine.id, 'owner');
    const answers = [];
    for (const ref of [{ id: mine.id }, { id: theirs.id }, { id: 'no-such-org' }, { slug: theirs.slug }, { slug: 'no-such-slug' }]) {
      answers.push(await authorizeOrg(prisma, actor, ref, { staff: 'customers.update' }).then(() => 'allowed', (error: Error) => `${error.constructor.name}: ${error.message}`));
    }
    expect(new Set(answers)).toEqual(new Set(['ForbiddenError: This is available to vendor staff only.']));
    // Staff without the permission are refused before the lookup too; with it, a missing org is a 404.
    const billing = await createStaff('staff-billing');
    await expect(authorizeOrg(prisma, billing.actor, { id: 'no-such-org' }, { staff: 'customers.update' })).rejects.toBeInstanceOf(ForbiddenError);
    const admin = await createStaff('staff-admin');
    await expect(authorizeOrg(prisma, admin.actor, { id: 'no-such-org' }, { staff: 'customers.update' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('honours custom roles', async () => {
    const org = await createOrg();
    const role = await prisma.role.create({ data: { orgId: org.id, name: 'QA Engineer', permissions: ['org.view', 'instructions.view', 'licenses.view'] } });
    const { actor } = await createMember(org.id, 'custom', role.id);
    await expect(authorizeOrg(prisma, actor, { id: org.id }, { org: 'licenses.view' })).resolves.toMatchObject({ role: 'custom' });
    await expect(authorizeOrg(prisma, actor, { id: org.id }, { org: 'tokens.view' })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lets staff in by staff permission, and only by it', async () => {
    const org = await createOrg();
    const support = await createStaff('staff-support');
    const billing = await createStaff('staff-billing');
    await expect(authorizeOrg(prisma, support.actor, { id: org.id }, { staff: 'tokens.rotate' })).resolves.toMatchObject({ viaStaff: true });
    await expect(authorizeOrg(prisma, billing.actor, { id: org.id }, { staff: 'tokens.rotate' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(authorizeOrg(prisma, support.actor, { id: org.id }, { staff: 'tokens.revoke_all' })).rejects.toBeInstanceOf(ForbiddenError);
    // Staff without a staff grant for this call are not members either.
    await expect(authorizeOrg(prisma, support.actor, { id: org.id }, { org: 'org.view' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('checks staff-only permissions', async () => {
    const admin = await createStaff('staff-admin');
    const support = await createStaff('staff-support');
    const org = await createOrg();
    const { actor: customer } = await createMember(org.id, 'owner');
    expect(() => assertStaffPermission(admin.actor, 'customers.deactivate')).not.toThrow();
    expect(() => assertStaffPermission(support.actor, 'customers.deactivate')).toThrow(ForbiddenError);
    expect(() => assertStaffPermission(customer, 'customers.view')).toThrow(/vendor staff only/);
  });
});
