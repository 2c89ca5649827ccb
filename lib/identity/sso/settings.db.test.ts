import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/identity/auth/actor';
import * as authorize from '@/lib/identity/rbac/authorize';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import * as actions from './actions';
import { createSamlConnection } from './connections';
import { addDomain, approveDomain } from './domains';
import { closeJackson } from './jackson';
import { setGroupRole } from './policy';
import { loadSsoSettings } from './settings';
import { newTestIdp } from '@/dev/testing/sso/test-idp';

/**
 * The SSO settings page and every action behind it pass the shared
 * permission gate (authorizeOrg, or assertStaffPermission for staff-only
 * steps) exactly once: checks spread over helpers drift apart.
 */

let actor: Actor | null = null;
// The real session code (currentActor, and currentStaffActor for staff-only actions) over a mocked next-auth.
// Sessions here are password sessions with a second factor, as staff must have (lib/identity/auth/mfa-policy.ts).
vi.mock('@/lib/identity/auth/config', () => ({
  auth: async () => (actor ? { user: { id: actor.userId, email: actor.label, staffRole: actor.staffRole, authMethod: 'password', mfaEnrolled: true } } : null),
}));
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
vi.mock('@/lib/identity/rbac/authorize', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/identity/rbac/authorize')>();
  return { ...original, authorizeOrg: vi.fn(original.authorizeOrg), assertStaffPermission: vi.fn(original.assertStaffPermission) };
});

function checks(): number {
  return vi.mocked(authorize.authorizeOrg).mock.calls.length + vi.mocked(authorize.assertStaffPermission).mock.calls.length;
}

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

beforeEach(() => {
  vi.mocked(authorize.authorizeOrg).mockClear();
  vi.mocked(authorize.assertStaffPermission).mockClear();
});

afterAll(async () => {
  await closeJackson();
});

describe('SSO settings access checks', () => {
  it('loads the settings page with one check', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor: owner } = await createMember(org.id, 'owner');
    await loadSsoSettings(owner, org.id);
    expect(checks()).toBe(1);
  });

  it('checks once in every settings action', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor: owner } = await createMember(org.id, 'owner');
    const { actor: staff } = await createStaff('staff-admin');
    const connection = await createSamlConnection(owner, org.id, { name: 'IdP', metadataXml: newTestIdp().metadata() });
    const domain = await addDomain(owner, org.id, { domain: `${uniqueSlug('corp')}.test` });
    await approveDomain(staff, org.id, domain.id);
    const pending = await addDomain(owner, org.id, { domain: `${uniqueSlug('pending')}.test` });
    const mapping = await setGroupRole(owner, org.id, { groupName: 'ops', role: 'editor' });

    const calls: [keyof typeof actions, Actor, Record<string, string>][] = [
      ['createSamlConnectionAction', owner, { orgId: org.id, name: 'Second', metadataXml: newTestIdp().metadata() }],
      ['createOidcConnectionAction', owner, { orgId: org.id, name: 'OIDC', discoveryUrl: 'http://localhost:1/.well-known/openid-configuration', clientId: 'c', clientSecret: 's' }],
      ['updateConnectionAction', owner, { orgId: org.id, id: connection.id, name: 'Renamed' }],
      ['addDomainAction', owner, { orgId: org.id, domain: `${uniqueSlug('more')}.test` }],
      ['verifyDomainAction', owner, { orgId: org.id, id: domain.id }],
      ['approveDomainAction', staff, { orgId: org.id, id: pending.id }],
      ['removeDomainAction', owner, { orgId: org.id, id: pending.id }],
      ['updatePolicyAction', owner, { orgId: org.id, defaultRole: 'editor' }],
      ['setGroupRoleAction', owner, { orgId: org.id, groupName: 'qa', role: 'viewer' }],
      ['removeGroupRoleAction', owner, { orgId: org.id, id: mapping.id }],
      ['deleteConnectionAction', owner, { orgId: org.id, id: connection.id }],
    ];
    const counted: Record<string, number> = {};
    for (const [name, who, fields] of calls) {
      vi.mocked(authorize.authorizeOrg).mockClear();
      vi.mocked(authorize.assertStaffPermission).mockClear();
      actor = who;
      try {
        const result = await actions[name](null, formData(fields));
        // The OIDC one stops at the unreachable discovery URL, after its check.
        expect(result, name).toMatchObject({ ok: name !== 'createOidcConnectionAction' });
      } finally {
        actor = null;
      }
      counted[name] = checks();
    }
    // A staff-only action is refused at its door (staffAction) before the form is read, and its service checks again.
    expect(counted).toEqual(Object.fromEntries(calls.map(([name]) => [name, name === 'approveDomainAction' ? 2 : 1])));
  });
});
