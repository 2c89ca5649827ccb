import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { changeMemberRole } from '@/lib/identity/members/members';
import { createMember, createOrg, createUser, uniqueSlug } from '@/dev/testing/factories';
import { provisionSsoUser, type SsoProfile } from './provision';

/**
 * Just-in-time provisioning against the org's people rules: the seat quota
 * and the last owner hold as they do for invitations and role changes, also
 * when sign-ins race each other or a membership change.
 */

async function ssoOrg(tier = 'community') {
  const org = await createOrg({ tier });
  const domain = `${uniqueSlug('jit')}.test`;
  await prisma.orgDomain.create({ data: { orgId: org.id, domain, verificationToken: 'test', verifiedAt: new Date(), verifiedBy: 'test' } });
  return { org, domain, provider: uniqueSlug('client') };
}

type World = Awaited<ReturnType<typeof ssoOrg>>;

function signIn(world: World, profile: Partial<SsoProfile> & { email: string }) {
  return provisionSsoUser({ org: world.org, provider: world.provider, protocol: 'saml', profile: { id: profile.email, ...profile }, ip: '203.0.113.5', userAgent: 'vitest' });
}

/** An SSO user who already holds `role` in the org (their identity linked by an earlier sign-in). */
async function ssoMember(world: World, role: string) {
  const email = `${uniqueSlug('member')}@${world.domain}`;
  const user = await createUser({ email });
  await prisma.membership.create({ data: { userId: user.id, orgId: world.org.id, role } });
  await prisma.ssoIdentity.create({ data: { userId: user.id, provider: world.provider, subject: email } });
  return { user, email };
}

describe('JIT provisioning and the seat quota', () => {
  it('refuses a first sign-in when every seat is taken: no_seats, nothing created, the refusal audited', async () => {
    const world = await ssoOrg();
    for (const role of ['owner', 'editor', 'viewer']) await createMember(world.org.id, role);
    const email = `newcomer@${world.domain}`;

    await expect(signIn(world, { email, groups: [] })).rejects.toMatchObject({
      reason: 'no_seats',
      message: 'Your organization has no free seats; ask an admin to free one or buy more.',
    });
    expect(await prisma.user.count({ where: { email } })).toBe(0);
    expect(await prisma.ssoIdentity.count({ where: { provider: world.provider } })).toBe(0);
    expect(await prisma.membership.count({ where: { orgId: world.org.id } })).toBe(3);
    const events = await prisma.auditEvent.findMany({ where: { orgId: world.org.id } });
    expect(events.map((e) => e.action)).toEqual(['auth.sign_in_failed']);
    expect(events[0]).toMatchObject({ actorLabel: email, metadata: { reason: 'no_seats', method: 'saml', email, seats: { used: 3, limit: 3 } } });

    // A freed seat lets the newcomer in.
    await prisma.membership.deleteMany({ where: { orgId: world.org.id, role: 'viewer' } });
    await expect(signIn(world, { email })).resolves.toMatchObject({ createdUser: true, createdMembership: true });
  });

  it('lets members already in sign in when the org is full', async () => {
    const world = await ssoOrg();
    await createMember(world.org.id, 'owner');
    await createMember(world.org.id, 'editor');
    const { user, email } = await ssoMember(world, 'viewer');
    await expect(signIn(world, { email })).resolves.toMatchObject({ userId: user.id, createdMembership: false });
  });

  it('does not overshoot the quota when first sign-ins race', async () => {
    const world = await ssoOrg();
    await createMember(world.org.id, 'owner');
    await createMember(world.org.id, 'editor');
    const results = await Promise.allSettled([1, 2, 3, 4].map((n) => signIn(world, { email: `racer${n}@${world.domain}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) expect(result.reason).toMatchObject({ reason: 'no_seats' });
    expect(await prisma.membership.count({ where: { orgId: world.org.id } })).toBe(3);
    expect(await prisma.user.count({ where: { email: { endsWith: `@${world.domain}` }, memberships: { none: {} } } })).toBe(0);
  });

  it('gives an invited newcomer the seat their invitation holds, with its role, and uses it up', async () => {
    const world = await ssoOrg();
    const { user: owner } = await createMember(world.org.id, 'owner');
    await createMember(world.org.id, 'viewer');
    const email = `invited@${world.domain}`;
    const invitation = await prisma.invitation.create({
      data: { orgId: world.org.id, email, role: 'editor', tokenHash: uniqueSlug('hash'), expiresAt: new Date(Date.now() + 86_400_000), invitedById: owner.id },
    });
    await expect(signIn(world, { email: `uninvited@${world.domain}` })).rejects.toMatchObject({ reason: 'no_seats' });

    await expect(signIn(world, { email })).resolves.toMatchObject({ createdMembership: true });
    expect(await prisma.membership.findFirst({ where: { orgId: world.org.id, user: { email } } })).toMatchObject({ role: 'editor' });
    expect((await prisma.invitation.findUniqueOrThrow({ where: { id: invitation.id } })).acceptedAt).toBeInstanceOf(Date);
    const created = await prisma.auditEvent.findFirst({ where: { orgId: world.org.id, action: 'membership.create' } });
    expect(created?.metadata).toMatchObject({ via: 'sso_jit', invitationId: invitation.id });
  });
});

describe('SSO group mapping and the last owner', () => {
  it('never changes an owner’s role, so owners signing in at once never lose the last owner', async () => {
    for (let round = 0; round < 5; round++) {
      const world = await ssoOrg('team');
      await prisma.ssoGroupRole.create({ data: { orgId: world.org.id, groupName: 'engineers', role: 'editor' } });
      const a = await ssoMember(world, 'owner');
      const b = await ssoMember(world, 'owner');
      const c = await ssoMember(world, 'viewer');
      await Promise.all([a, b, c].map((m) => signIn(world, { email: m.email, groups: ['engineers'] })));
      expect(await prisma.membership.count({ where: { orgId: world.org.id, role: 'owner' } }), `round ${round}`).toBe(2);
      // The mapping still applies to everyone else.
      expect(await prisma.membership.findFirst({ where: { orgId: world.org.id, userId: c.user.id } })).toMatchObject({ role: 'editor' });
    }
  });

  it('does not race a concurrent role change into losing the last owner', async () => {
    for (let round = 0; round < 5; round++) {
      const world = await ssoOrg('team');
      await prisma.ssoGroupRole.create({ data: { orgId: world.org.id, groupName: 'engineers', role: 'editor' } });
      const sso = await ssoMember(world, 'owner');
      const { actor: other, membership: otherMembership } = await createMember(world.org.id, 'owner');
      // The other owner steps down while the SSO owner's groups say editor.
      await Promise.allSettled([
        signIn(world, { email: sso.email, groups: ['engineers'] }),
        changeMemberRole(other, { orgId: world.org.id, membershipId: otherMembership.id, role: 'admin' }),
      ]);
      expect(await prisma.membership.count({ where: { orgId: world.org.id, role: 'owner' } }), `round ${round}`).toBe(1);
    }
  });

  it('ignores a mapping that names another org’s custom role', async () => {
    const world = await ssoOrg('team');
    const foreign = await prisma.role.create({ data: { orgId: (await createOrg({ tier: 'enterprise' })).id, name: 'Elsewhere', permissions: ['org.view', 'tokens.manage'] } });
    await prisma.ssoGroupRole.create({ data: { orgId: world.org.id, groupName: 'qa', role: 'custom', customRoleId: foreign.id } });
    const email = `qa@${world.domain}`;
    await signIn(world, { email, groups: ['qa'] });
    expect(await prisma.membership.findFirst({ where: { orgId: world.org.id, user: { email } } })).toMatchObject({ role: 'viewer', customRoleId: null });
  });
});
