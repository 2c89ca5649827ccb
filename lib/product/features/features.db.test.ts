import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError } from '@/lib/platform/errors';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { getFeatureDecision, getFeatureDecisions, requireFeature } from '@/lib/plans/license';
import { FeatureUnavailableError, QuotaExceededError } from '@/lib/plans/errors';
import { createFeatureFlag, listFeatureFlags, removeFeatureOverride, setFeatureOverride, updateFeatureFlag } from './flags';
import { assertQuota, getQuotaStatus, quotaWarnings } from '@/lib/plans/quotas';
import { recordApiCall } from '@/lib/plans/usage';
import { DAY } from '@/lib/platform/time';

describe('requireFeature', () => {
  it('passes for a tier that includes the feature and throws the typed reason otherwise', async () => {
    const team = await createOrg({ tier: 'team' });
    const community = await createOrg({ tier: 'community' });
    await expect(requireFeature(prisma, team.id, 'audit_log')).resolves.toBeUndefined();
    const error = await requireFeature(prisma, community.id, 'audit_log').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureUnavailableError);
    expect((error as FeatureUnavailableError).status).toBe(403);
    expect((error as FeatureUnavailableError).reason).toEqual({ code: 'tier_required', requiredTier: 'team', currentTier: 'community' });
    expect((error as Error).message).toBe('Audit logging is available on the Team plan; this organization is on Community.');
  });

  it('sees per-customer overrides with expiry, audited with reason and author, and removal', async () => {
    const { actor } = await createStaff('staff-admin');
    const org = await createOrg({ tier: 'team' });
    const expiresAt = new Date(Date.now() + 30 * DAY);
    const override = await setFeatureOverride(actor, { orgId: org.id, featureKey: 'sso', enabled: true, expiresAt, reason: '30-day SSO trial' });
    expect(override).toMatchObject({ enabled: true, reason: '30-day SSO trial', createdBy: actor.label });
    expect(await getFeatureDecision(prisma, org.id, 'sso')).toMatchObject({ allowed: true, via: 'override', overrideExpiresAt: expiresAt });
    // After the trial: the reason says when it ended.
    const later = new Date(expiresAt.getTime() + DAY);
    expect(await getFeatureDecision(prisma, org.id, 'sso', later)).toMatchObject({ allowed: false, reason: { code: 'override_expired', expiredAt: expiresAt } });

    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'feature_override.set', orgId: org.id } });
    expect(event.actorLabel).toBe(actor.label);
    expect(event.after).toMatchObject({ featureKey: 'sso', reason: '30-day SSO trial' });

    await removeFeatureOverride(actor, { orgId: org.id, featureKey: 'sso' });
    expect(await getFeatureDecision(prisma, org.id, 'sso')).toMatchObject({ allowed: false, reason: { code: 'tier_required' } });
    expect(await prisma.auditEvent.count({ where: { action: 'feature_override.remove', orgId: org.id } })).toBe(1);
  });

  it('rejects bad overrides and non-admins without writing anything', async () => {
    const { actor } = await createStaff('staff-admin');
    const { actor: support } = await createStaff('staff-support');
    const org = await createOrg();
    await expect(setFeatureOverride(actor, { orgId: org.id, featureKey: 'sso', enabled: true, expiresAt: '2020-01-01', reason: 'trial' })).rejects.toThrow('The expiry must be in the future.');
    await expect(setFeatureOverride(actor, { orgId: org.id, featureKey: 'teleport', enabled: true, reason: 'trial' })).rejects.toThrow('There is no feature called teleport.');
    await expect(setFeatureOverride(actor, { orgId: org.id, featureKey: 'sso', enabled: true, reason: '' })).rejects.toThrow();
    await expect(setFeatureOverride(support, { orgId: org.id, featureKey: 'sso', enabled: true, reason: 'trial' })).rejects.toBeInstanceOf(ForbiddenError);
    const { actor: member } = await createMember(org.id, 'owner');
    await expect(setFeatureOverride(member, { orgId: org.id, featureKey: 'sso', enabled: true, reason: 'trial' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await prisma.orgFeatureOverride.count({ where: { orgId: org.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
  });

  it('applies a changed minimum tier and the kill switch to every org, audited', async () => {
    const { actor } = await createStaff('staff-admin');
    const key = `flag_${uniqueSlug('f').replace(/-/g, '_')}`;
    await createFeatureFlag(actor, { key, minTier: 'enterprise', description: 'HA mode' });
    await expect(createFeatureFlag(actor, { key, minTier: 'team' })).rejects.toThrow(`A feature called ${key} already exists.`);
    await expect(createFeatureFlag(actor, { key: 'Bad Key', minTier: 'team' })).rejects.toThrow();
    const team = await createOrg({ tier: 'team' });
    expect(await getFeatureDecision(prisma, team.id, key)).toMatchObject({ allowed: false, reason: { code: 'tier_required', requiredTier: 'enterprise' } });
    await updateFeatureFlag(actor, { key, minTier: 'team' });
    expect(await getFeatureDecision(prisma, team.id, key)).toMatchObject({ allowed: true });
    await updateFeatureFlag(actor, { key, enabled: false });
    expect(await getFeatureDecision(prisma, team.id, key)).toMatchObject({ allowed: false, reason: { code: 'disabled', scope: 'global' } });
    expect(await prisma.auditEvent.count({ where: { targetType: 'feature_flag', targetId: key } })).toBe(3);
    expect(await prisma.auditEvent.findFirst({ where: { action: 'feature_flag.kill', targetId: key } })).not.toBeNull();
    const flags = await listFeatureFlags(actor);
    expect(flags.find((flag) => flag.key === key)).toMatchObject({ custom: true, enabled: false, minTier: 'team' });
    expect(flags.find((flag) => flag.key === 'sso')).toMatchObject({ custom: false, minTier: 'enterprise' });
    await expect(updateFeatureFlag((await createStaff('staff-support')).actor, { key, enabled: true })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lists every feature decision of an org', async () => {
    const org = await createOrg({ tier: 'team' });
    const decisions = await getFeatureDecisions(prisma, org.id);
    expect(decisions.find((d) => d.feature === 'api_access')).toMatchObject({ allowed: true });
    expect(decisions.find((d) => d.feature === 'sso')).toMatchObject({ allowed: false });
  });
});

describe('quotas', () => {
  it('refuses a fourth seat on Community and says why', async () => {
    const org = await createOrg({ tier: 'community', name: 'Tiny Co' });
    for (let i = 0; i < 2; i++) await createMember(org.id, 'viewer');
    await prisma.invitation.create({ data: { orgId: org.id, email: 'new@tiny.test', role: 'viewer', tokenHash: uniqueSlug('h'), expiresAt: new Date(Date.now() + DAY) } });
    const error = await assertQuota(prisma, org.id, 'seats').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect((error as Error).message).toBe(
      'Tiny Co is on the Community plan, which allows up to 3 seats, and already has 2 members and 1 open invitation. Upgrade to Team (up to 25 seats) or remove a member or revoke an invitation first.',
    );
    const status = await getQuotaStatus(prisma, org.id);
    expect(status.find((q) => q.key === 'seats')).toMatchObject({ used: 3, limit: 3, level: 'exceeded' });

    const team = await createOrg({ tier: 'team' });
    await createMember(team.id, 'owner');
    await expect(assertQuota(prisma, team.id, 'seats')).resolves.toBeUndefined();
  });

  it('warns at the threshold in the staff overview', async () => {
    const org = await createOrg({ tier: 'community' });
    await createMember(org.id, 'owner');
    await createMember(org.id, 'viewer');
    expect((await getQuotaStatus(prisma, org.id)).find((q) => q.key === 'seats')).toMatchObject({ used: 2, level: 'ok' });
    await createMember(org.id, 'viewer');
    const warnings = await quotaWarnings(prisma, new Date(), 100_000);
    expect(warnings.find((w) => w.orgId === org.id)).toMatchObject({ quota: 'seats', used: 3, limit: 3, level: 'exceeded' });
  });

  it('counts API calls per calendar month and gates api_access at the limit', async () => {
    const org = await createOrg({ tier: 'team' });
    const now = new Date('2027-05-20T10:00:00Z');
    await prisma.rateLimit.create({ data: { key: `quota:api_calls:${org.id}`, windowStart: new Date('2027-05-01T00:00:00Z'), count: 99_999 } });
    expect(await getFeatureDecision(prisma, org.id, 'api_access', now)).toMatchObject({ allowed: true });
    expect(await recordApiCall(prisma, org.id, now)).toBe(100_000);
    expect(await getFeatureDecision(prisma, org.id, 'api_access', now)).toMatchObject({
      allowed: false,
      reason: { code: 'quota_exceeded', quota: 'api_calls_per_month', used: 100_000, limit: 100_000, requiredTier: 'enterprise' },
    });
    // A new month starts from zero.
    expect(await recordApiCall(prisma, org.id, new Date('2027-06-01T00:00:01Z'))).toBe(1);
  });
});
