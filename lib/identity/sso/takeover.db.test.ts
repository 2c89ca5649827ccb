import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@/lib/identity/auth/password';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError } from '@/lib/platform/errors';
import { createMember, createOrg, createStaff, createUser, uniqueSlug, userActor } from '@/dev/testing/factories';
import { createOidcConnection, createSamlConnection } from './connections';
import { addDomain, approveDomain } from './domains';
import { completeOidc, completeSso, handleSamlResponse, startSso, type SsoCompletion } from './flow';
import type { SamlIdp, SamlUser } from './idp/saml-idp';
import { closeJackson, getJackson, oidcRedirectUrl } from './jackson';
import { confirmSsoLink, openPendingLink } from './link';
import { setGroupRole, updateSsoPolicy } from './policy';
import { followToRedirectUri, startOidcIdp } from '@/dev/testing/sso/oidc-idp';
import { newTestIdp } from '@/dev/testing/sso/test-idp';

/**
 * Account takeover through one's own IdP (issue 14, item 2): an org admin
 * (or a custom role with sso.manage) added an IdP with their own key,
 * asserted owner@domain, and was signed in as the owner, in every org the
 * owner belongs to; IdP groups could overwrite an existing member's role.
 * Real IdPs here: samlify signs the SAML responses, oidc-provider answers
 * OIDC.
 */

const PASSWORD = 'correct horse battery staple';

afterAll(async () => {
  await closeJackson();
});

async function spMetadata() {
  return (await getJackson()).spConfig.toXMLMetadata();
}

/** An org whose owner has a password and belongs to another org too (the victim), an admin, and a verified domain. */
async function victimOrg() {
  const org = await createOrg({ tier: 'enterprise' });
  const domain = `${uniqueSlug('victim')}.test`;
  const { actor: staff } = await createStaff('staff-admin');
  await approveDomain(staff, org.id, (await addDomain(staff, org.id, { domain })).id);
  const owner = await createUser({ email: `owner@${domain}`, passwordHash: await hashPassword(PASSWORD) });
  await prisma.membership.create({ data: { userId: owner.id, orgId: org.id, role: 'owner' } });
  await prisma.membership.create({ data: { userId: owner.id, orgId: (await createOrg({ tier: 'enterprise' })).id, role: 'owner' } });
  const admin = await createMember(org.id, 'admin');
  return { org, domain, staff, owner, ownerActor: userActor(owner), admin };
}

/** SP-initiated SAML sign-in through `idp` as `user`, with this browser's flow cookie. */
async function samlSignIn(idp: SamlIdp, connectionId: string, user: SamlUser): Promise<SsoCompletion> {
  const start = await startSso({ connectionId, next: null });
  const post = await idp.respond(await spMetadata(), Object.fromEntries(new URL(start.redirectUrl!).searchParams), user);
  const location = await handleSamlResponse({ SAMLResponse: post.SAMLResponse, RelayState: post.RelayState });
  const q = new URL(location, 'http://x').searchParams;
  if (q.get('reason')) throw new Error(`refused at the ACS: ${q.get('reason')}`);
  return completeSso({ code: q.get('code'), state: q.get('state'), flowCookie: start.cookie });
}

const identitiesOf = (userId: string) => prisma.ssoIdentity.count({ where: { userId } });

describe('who may add an identity provider', () => {
  it('is the owner (or a custom role an owner built with sso.connections), not an admin or a custom role with sso.manage', async () => {
    const { org, ownerActor, admin } = await victimOrg();
    const ssoManager = await prisma.role.create({ data: { orgId: org.id, name: 'SSO manager', permissions: ['org.view', 'sso.manage'] } });
    const { actor: manager } = await createMember(org.id, 'custom', ssoManager.id);
    for (const actor of [admin.actor, manager]) {
      await expect(createSamlConnection(actor, org.id, { name: 'My own IdP', metadataXml: newTestIdp().metadata() })).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await prisma.ssoConnection.count({ where: { orgId: org.id } })).toBe(0);

    await expect(createSamlConnection(ownerActor, org.id, { name: 'Okta', metadataXml: newTestIdp().metadata() })).resolves.toMatchObject({ protocol: 'saml' });
    const connections = await prisma.role.create({ data: { orgId: org.id, name: 'IdP admin', permissions: ['org.view', 'sso.manage', 'sso.connections'] } });
    const { actor: idpAdmin } = await createMember(org.id, 'custom', connections.id);
    await expect(createSamlConnection(idpAdmin, org.id, { name: 'Azure', metadataXml: newTestIdp().metadata() })).resolves.toMatchObject({ protocol: 'saml' });
  });
});

describe('an IdP asserting an existing account', () => {
  it('does not sign anyone in as the owner: the sign-in waits for the owner to link it with their password', async () => {
    const { org, owner, staff } = await victimOrg();
    // An IdP someone with connection rights set up, with its own key.
    const idp = newTestIdp('attacker IdP');
    const connection = await createSamlConnection(staff, org.id, { name: 'Shadow IdP', metadataXml: idp.metadata() });

    const done = await samlSignIn(idp, connection.id, { email: owner.email, groups: [] });
    expect(done.kind).toBe('link');
    expect(await identitiesOf(owner.id)).toBe(0);
    const refusal = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'auth.sign_in_failed' }, orderBy: { id: 'desc' } });
    expect(refusal?.metadata).toMatchObject({ reason: 'link_required', why: 'password', email: owner.email });
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: { in: ['auth.sign_in', 'sso.identity_link'] } } })).toBe(0);

    // Whoever holds the pending link but not the password gets nothing.
    const pending = done.kind === 'link' ? done.pending : '';
    await expect(confirmSsoLink({ sealed: pending, password: 'guess', ip: '203.0.113.7', userAgent: 'vitest' })).resolves.toEqual({ ok: false, reason: 'invalid' });
    expect(await identitiesOf(owner.id)).toBe(0);

    // The owner confirms with their password: linked (audited as confirmed), signed in through SSO.
    await expect(confirmSsoLink({ sealed: pending, password: PASSWORD, ip: '203.0.113.7', userAgent: 'vitest' })).resolves.toMatchObject({ ok: true, userId: owner.id, protocol: 'saml' });
    const link = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'sso.identity_link' } });
    expect(link).toMatchObject({ actorId: owner.id, metadata: { confirmedBy: 'password' } });
    // From now on the IdP signs the owner in directly, still as owner.
    await expect(samlSignIn(idp, connection.id, { email: owner.email })).resolves.toMatchObject({ kind: 'signin', userId: owner.id });
    expect((await prisma.membership.findFirstOrThrow({ where: { orgId: org.id, userId: owner.id } })).role).toBe('owner');
  });

  it('asks the same of a member of another org, and of a passwordless owner; links a plain SSO member silently', async () => {
    const { org, domain, staff } = await victimOrg();
    const idp = newTestIdp();
    const connection = await createSamlConnection(staff, org.id, { name: 'IdP', metadataXml: idp.metadata() });
    const elsewhere = await createUser({ email: `consultant@${domain}` });
    await prisma.membership.create({ data: { userId: elsewhere.id, orgId: (await createOrg({ tier: 'enterprise' })).id, role: 'admin' } });
    const ssoOwner = await createUser({ email: `founder@${domain}` });
    await prisma.membership.create({ data: { userId: ssoOwner.id, orgId: org.id, role: 'owner' } });
    const plain = await createUser({ email: `dev@${domain}` });
    await prisma.membership.create({ data: { userId: plain.id, orgId: org.id, role: 'editor' } });

    await expect(samlSignIn(idp, connection.id, { email: elsewhere.email })).resolves.toMatchObject({ kind: 'link' });
    await expect(samlSignIn(idp, connection.id, { email: ssoOwner.email })).resolves.toMatchObject({ kind: 'link' });
    await expect(samlSignIn(idp, connection.id, { email: plain.email })).resolves.toMatchObject({ kind: 'signin', userId: plain.id });
    expect(await identitiesOf(elsewhere.id)).toBe(0);
    expect(await identitiesOf(ssoOwner.id)).toBe(0);
    expect(await identitiesOf(plain.id)).toBe(1);
    const failures = await prisma.auditEvent.findMany({ where: { orgId: org.id, action: 'auth.sign_in_failed' }, orderBy: { id: 'asc' } });
    expect(failures.map((e) => (e.metadata as { why: string }).why)).toEqual(['other_membership', 'owner']);
  });

  it('offers no link to an unsolicited (IdP-initiated) response', async () => {
    const { org, owner, staff } = await victimOrg();
    const idp = newTestIdp();
    await createSamlConnection(staff, org.id, { name: 'IdP', metadataXml: idp.metadata() });
    const location = await handleSamlResponse(await idp.unsolicited(await spMetadata(), { email: owner.email }));
    const q = new URL(location, 'http://x').searchParams;
    await expect(completeSso({ code: q.get('code'), cid: q.get('cid'), sig: q.get('sig') })).rejects.toMatchObject({ reason: 'link_required' });
    expect(await identitiesOf(owner.id)).toBe(0);
  });

  it('lets an owner in an org that requires SSO link with their password (which alone no longer signs them in)', async () => {
    const { org, owner, staff } = await victimOrg();
    const idp = newTestIdp();
    const connection = await createSamlConnection(staff, org.id, { name: 'IdP', metadataXml: idp.metadata() });
    await updateSsoPolicy(staff, org.id, { ssoRequired: 'true', defaultRole: 'viewer' });
    const done = await samlSignIn(idp, connection.id, { email: owner.email });
    expect(done.kind).toBe('link');
    expect(openPendingLink(done.kind === 'link' ? done.pending : null)).toMatchObject({ userId: owner.id, email: owner.email, connectionId: connection.id });
    await expect(confirmSsoLink({ sealed: done.kind === 'link' ? done.pending : '', password: PASSWORD, ip: null, userAgent: null })).resolves.toMatchObject({ ok: true, userId: owner.id });
    expect(await identitiesOf(owner.id)).toBe(1);
  });

  it('does the same through OIDC (oidc-provider)', async () => {
    const privateUrls = process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
    process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
    const oidc = await startOidcIdp({ clientId: 'takeover', clientSecret: 'takeover-secret', redirectUri: oidcRedirectUrl() });
    try {
      const { org, owner, staff } = await victimOrg();
      const connection = await createOidcConnection(staff, org.id, { name: 'OIDC', discoveryUrl: oidc.discoveryUrl, clientId: 'takeover', clientSecret: 'takeover-secret' });
      oidc.addUser('mallory', { email: owner.email, name: 'Not The Owner' });
      const start = await startSso({ connectionId: connection.id, loginHint: 'mallory' });
      const back = await followToRedirectUri(start.redirectUrl!, oidcRedirectUrl());
      await expect(completeOidc({ params: back.searchParams, flowCookie: start.cookie })).resolves.toMatchObject({ kind: 'link' });
      expect(await identitiesOf(owner.id)).toBe(0);
    } finally {
      await oidc.close();
      if (privateUrls === undefined) delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
      else process.env.OUTBOUND_ALLOW_PRIVATE_URLS = privateUrls;
    }
  });
});

describe('group mappings and the owner role', () => {
  let world: Awaited<ReturnType<typeof victimOrg>>;
  let idp: SamlIdp;
  let connectionId: string;
  beforeAll(async () => {
    world = await victimOrg();
    idp = newTestIdp();
    connectionId = (await createSamlConnection(world.staff, world.org.id, { name: 'IdP', metadataXml: idp.metadata() })).id;
  });

  it('refuses a mapping or a default role that would grant owner, for owners and staff alike', async () => {
    await expect(setGroupRole(world.ownerActor, world.org.id, { groupName: 'founders', role: 'owner' })).rejects.toThrow(/cannot grant the owner role/);
    await expect(setGroupRole(world.staff, world.org.id, { groupName: 'founders', role: 'owner' })).rejects.toThrow(/cannot grant the owner role/);
    await expect(updateSsoPolicy(world.ownerActor, world.org.id, { defaultRole: 'owner' })).rejects.toThrow(/never makes anyone an owner/);
    expect(await prisma.ssoGroupRole.count({ where: { orgId: world.org.id } })).toBe(0);
  });

  it('ignores an owner mapping stored before, for newcomers and members alike', async () => {
    await prisma.ssoGroupRole.create({ data: { orgId: world.org.id, groupName: 'founders', role: 'owner' } });
    await prisma.organization.update({ where: { id: world.org.id }, data: { defaultRole: 'owner' } });
    const newcomer = await samlSignIn(idp, connectionId, { email: `new@${world.domain}`, groups: ['founders'] });
    expect(newcomer.kind).toBe('signin');
    expect(await prisma.membership.findFirst({ where: { orgId: world.org.id, user: { email: `new@${world.domain}` } } })).toMatchObject({ role: 'viewer' });
    await expect(samlSignIn(idp, connectionId, { email: `new@${world.domain}`, groups: ['founders'] })).resolves.toMatchObject({ kind: 'signin' });
    expect(await prisma.membership.findFirst({ where: { orgId: world.org.id, user: { email: `new@${world.domain}` } } })).toMatchObject({ role: 'viewer' });
  });

  it('never changes an owner’s role from IdP groups', async () => {
    await setGroupRole(world.staff, world.org.id, { groupName: 'everyone', role: 'viewer' });
    const founder = await createUser({ email: `cofounder@${world.domain}` });
    await prisma.membership.create({ data: { userId: founder.id, orgId: world.org.id, role: 'owner' } });
    const provider = (await prisma.ssoConnection.findUniqueOrThrow({ where: { id: connectionId } })).jacksonClientId;
    await prisma.ssoIdentity.create({ data: { userId: founder.id, provider, subject: founder.email } });
    await expect(samlSignIn(idp, connectionId, { email: founder.email, groups: ['everyone'] })).resolves.toMatchObject({ kind: 'signin', userId: founder.id });
    expect((await prisma.membership.findFirstOrThrow({ where: { orgId: world.org.id, userId: founder.id } })).role).toBe('owner');
  });
});
