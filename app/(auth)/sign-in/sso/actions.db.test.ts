import { afterAll, describe, expect, it, vi } from 'vitest';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createSamlConnection } from '@/lib/identity/sso/connections';
import { addDomain, approveDomain } from '@/lib/identity/sso/domains';
import { closeJackson } from '@/lib/identity/sso/jackson';
import { newTestIdp } from '@/dev/testing/sso/test-idp';
import { ssoEmailAction } from './actions';

/**
 * The email step answers where the browser should go; it never redirect()s
 * there. A server action's redirect to a path on this origin is fetched by
 * the server itself, which would then follow /api/sso/start to the
 * customer's SSO URL.
 */

// lib/identity/actions imports the session helpers (next-auth), which this signed-out step never uses.
vi.mock('@/lib/identity/auth/session', () => ({ currentActor: async () => null }));

afterAll(async () => {
  await closeJackson();
});

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe('the SSO email step', () => {
  it('returns the start URL for the browser to navigate to, with one connection or several', async () => {
    const org = await createOrg({ tier: 'enterprise' }); // SSO is an Enterprise feature (lib/plans/portal-gate.ts)
    const { actor } = await createStaff('staff-admin');
    const domain = `${uniqueSlug('email')}.test`;
    await approveDomain(actor, org.id, (await addDomain(actor, org.id, { domain })).id);
    const first = await createSamlConnection(actor, org.id, { name: 'Okta', metadataXml: newTestIdp().metadata() });

    const one = await ssoEmailAction(null, form({ email: `Pat@${domain}`, callbackUrl: '/portal/x' }));
    expect(one).toEqual({
      ok: true,
      data: {
        orgName: org.name,
        connections: [{ name: 'Okta', protocol: 'saml', href: `/api/sso/start?connection=${first.id}&next=%2Fportal%2Fx&login_hint=pat%40${domain}` }],
        go: `/api/sso/start?connection=${first.id}&next=%2Fportal%2Fx&login_hint=pat%40${domain}`,
      },
    });

    await createSamlConnection(actor, org.id, { name: 'Backup', metadataXml: newTestIdp().metadata() });
    const two = await ssoEmailAction(null, form({ email: `pat@${domain}`, callbackUrl: '//evil.example' }));
    expect(two).toMatchObject({ ok: true, data: { go: null } });
    expect(two.ok && two.data.connections.map((c) => c.name)).toEqual(['Okta', 'Backup']);
    expect(two.ok && two.data.connections.every((c) => c.href.startsWith('/api/sso/start?') && !c.href.includes('evil'))).toBe(true);
  });
});
