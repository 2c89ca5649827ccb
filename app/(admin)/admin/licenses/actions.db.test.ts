import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/identity/auth/actor';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import type { StaffPermission } from '@/lib/identity/rbac/permissions';
import { prisma } from '@/lib/platform/db/client';
import { issueLicense } from '@/lib/product/licensing/issue';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { redirectTarget, toFormData } from '@/dev/sweeps/harness';
import { createFlagAction, issueLicenseAction, reissueLicenseAction, setOverrideAction, updateFlagAction } from './actions';

/**
 * The license forms reach their services through the services' own schemas:
 * a value a service does not know is refused with a field error before
 * anything is written, never cast through.
 */

let actor: Actor;
vi.mock('@/lib/identity/auth/session', () => ({
  currentActor: async () => actor,
  currentStaffActor: async (permission: StaffPermission) => {
    assertStaffPermission(actor, permission);
    return actor;
  },
}));
vi.mock('next/cache', () => ({ refresh: () => {}, revalidatePath: () => {} }));

beforeAll(async () => {
  actor = (await createStaff('staff-admin')).actor;
});

const TIER_ERROR = { tier: ['Choose community, team or enterprise.'] };

describe('license actions', () => {
  it('issue: reads limit_* fields as limits and blank fields as the defaults', async () => {
    const org = await createOrg({ tier: 'team' });
    const thrown = await issueLicenseAction(null, toFormData({ customer: org.slug, tier: '', expiresAt: '', graceDays: '', limit_seats: '7', limit_nodes: ' ' })).catch((error: unknown) => error);
    expect(redirectTarget(thrown)).toMatch(/^\/admin\/licenses\/[^/]+\?issued=1$/);
    const license = await prisma.licenseKey.findFirstOrThrow({ where: { orgId: org.id } });
    expect(license).toMatchObject({ tier: 'team', graceDays: 14, limits: expect.objectContaining({ seats: 7 }) });
  });

  it('issue and re-issue refuse tier "platinum" with a field error and write nothing', async () => {
    const org = await createOrg({ tier: 'team' });
    expect(await issueLicenseAction(null, toFormData({ customer: org.slug, tier: 'platinum' }))).toMatchObject({ ok: false, status: 400, fieldErrors: TIER_ERROR });
    expect(await prisma.licenseKey.count({ where: { orgId: org.id } })).toBe(0);

    const { license } = await issueLicense(actor, { orgId: org.id });
    const reissued = await reissueLicenseAction(null, toFormData({ licenseId: license.id, tier: 'platinum', expiresAt: '', reason: '' }));
    expect(reissued).toMatchObject({ ok: false, status: 400, fieldErrors: TIER_ERROR });
    expect(await prisma.licenseKey.findMany({ where: { orgId: org.id } })).toMatchObject([{ id: license.id, revokedAt: null }]);
  });

  it('feature flags refuse a tier or a switch they do not know, and change nothing', async () => {
    const key = uniqueSlug('flag').replace(/-/g, '_');
    expect(await createFlagAction(null, toFormData({ key, minTier: 'platinum' }))).toMatchObject({ ok: false, fieldErrors: { minTier: ['Choose community, team or enterprise.'] } });
    expect(await prisma.featureFlag.findUnique({ where: { key } })).toBeNull();

    expect(await createFlagAction(null, toFormData({ key, description: '', minTier: 'team' }))).toMatchObject({ ok: true });
    const before = await prisma.featureFlag.findUniqueOrThrow({ where: { key } });
    expect(await updateFlagAction(null, toFormData({ key, minTier: 'platinum', enabled: 'true' }))).toMatchObject({ ok: false, fieldErrors: { minTier: expect.any(Array) } });
    expect(await updateFlagAction(null, toFormData({ key, minTier: 'team', enabled: 'maybe' }))).toMatchObject({ ok: false, fieldErrors: { enabled: expect.any(Array) } });
    expect(await prisma.featureFlag.findUniqueOrThrow({ where: { key } })).toEqual(before);

    const org = await createOrg();
    const override = await setOverrideAction(null, toFormData({ customer: org.slug, featureKey: key, enabled: 'maybe', expiresAt: '', reason: '30-day trial' }));
    expect(override).toMatchObject({ ok: false, fieldErrors: { enabled: expect.any(Array) } });
    expect(await prisma.orgFeatureOverride.count({ where: { orgId: org.id } })).toBe(0);
    expect(await setOverrideAction(null, toFormData({ customer: org.slug, featureKey: key, enabled: 'true', expiresAt: '', reason: '30-day trial' }))).toMatchObject({ ok: true });
    expect(await prisma.orgFeatureOverride.findFirstOrThrow({ where: { orgId: org.id } })).toMatchObject({ enabled: true, expiresAt: null });
  });
});
