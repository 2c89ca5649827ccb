import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { createMember, createOrg } from '@/dev/testing/factories';
import { toFormData } from '@/dev/sweeps/harness';
import { closeJackson } from './jackson';
import { createOidcConnectionAction, createSamlConnectionAction, setGroupRoleAction, updatePolicyAction } from './actions';

/** The SSO settings forms reach their services through the services' own schemas: bad values are field errors, and nothing is written. */

let actor: Actor;
vi.mock('@/lib/identity/auth/session', () => ({ currentActor: async () => actor, currentStaffActor: async () => actor }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

afterAll(async () => {
  await closeJackson();
});

describe('SSO settings actions', () => {
  it('refuse connections, a policy and a group mapping the schemas do not allow', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    actor = (await createMember(org.id, 'owner')).actor;

    expect(await createSamlConnectionAction(null, toFormData({ orgId: org.id, name: 'Okta', metadataXml: '', metadataUrl: 'ftp://idp.example.test/metadata' }))).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { metadataUrl: ['Enter the metadata URL, e.g. https://idp.example.com/metadata.'] },
    });
    expect(await createOidcConnectionAction(null, toFormData({ orgId: org.id, name: 'Okta', discoveryUrl: 'https://idp.example.test/.well-known/openid-configuration', clientId: 'portcullis', clientSecret: '' }))).toMatchObject({
      ok: false,
      fieldErrors: { clientSecret: ['Enter the client secret from your identity provider.'] },
    });
    expect(await prisma.ssoConnection.count({ where: { orgId: org.id } })).toBe(0);

    const before = await prisma.organization.findUniqueOrThrow({ where: { id: org.id } });
    expect(await updatePolicyAction(null, toFormData({ orgId: org.id, ssoRequired: 'maybe', defaultRole: 'owner' }))).toMatchObject({ ok: false, fieldErrors: { ssoRequired: expect.any(Array), defaultRole: expect.any(Array) } });
    expect(await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).toEqual(before);

    expect(await setGroupRoleAction(null, toFormData({ orgId: org.id, groupName: '', role: 'owner' }))).toMatchObject({ ok: false, fieldErrors: { groupName: expect.any(Array), role: expect.any(Array) } });
    expect(await prisma.ssoGroupRole.count({ where: { orgId: org.id } })).toBe(0);
  });
});
