import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ForbiddenError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createSamlConnection, createOidcConnection, deleteSsoConnection } from './connections';
import { addDomain, approveDomain, txtRecordName, txtRecordValue, verifyDomainByDns } from './domains';
import { startTxtDnsServer } from '@/dev/testing/sso/dns-server';
import { completeOidc, completeSso, handleSamlResponse, startSso } from './flow';
import type { ResponseOptions, SamlIdp, SamlUser } from './idp/saml-idp';
import { closeJackson, getJackson, oidcRedirectUrl } from './jackson';
import { setGroupRole, updateSsoPolicy } from './policy';
import { loadSsoSettings } from './settings';
import { hashPassword } from '@/lib/identity/auth/password';
import { signInWithPassword } from '@/lib/identity/auth/sign-in';
import { createUser } from '@/dev/testing/factories';
import { followToRedirectUri, startOidcIdp } from '@/dev/testing/sso/oidc-idp';
import { newTestIdp } from '@/dev/testing/sso/test-idp';

/**
 * The SSO flow end to end in-process: a real samlify IdP signs responses,
 * a real oidc-provider serves OIDC, and the embedded Jackson validates
 * them against this test run's PostgreSQL.
 */

async function spMetadata() {
  return (await getJackson()).spConfig.toXMLMetadata();
}

function newIdp(): SamlIdp {
  return newTestIdp('vitest IdP');
}

async function ssoOrg(domain = `${uniqueSlug('corp')}.test`) {
  const org = await createOrg({ tier: 'enterprise' });
  const { actor: staff } = await createStaff('staff-admin');
  const idp = newIdp();
  const connection = await createSamlConnection(staff, org.id, { name: 'Test IdP', metadataXml: idp.metadata() });
  const row = await addDomain(staff, org.id, { domain });
  await approveDomain(staff, org.id, row.id);
  return { org, staff, idp, connection, domain };
}

function reasonOf(location: string): string | null {
  return location.startsWith('/sign-in/sso/error') ? new URL(location, 'http://x').searchParams.get('reason') : null;
}

async function samlRoundTrip(idp: SamlIdp, connectionId: string, user: SamlUser, opts: ResponseOptions = {}, mutate?: (xml: string) => string) {
  const start = await startSso({ connectionId, next: '/portal' });
  const authorize = new URL(start.redirectUrl!);
  const post = await idp.respond(await spMetadata(), Object.fromEntries(authorize.searchParams), user, opts);
  const SAMLResponse = mutate ? Buffer.from(mutate(Buffer.from(post.SAMLResponse, 'base64').toString('utf8'))).toString('base64') : post.SAMLResponse;
  const location = await handleSamlResponse({ SAMLResponse, RelayState: post.RelayState });
  return { start, post: { ...post, SAMLResponse }, location, reason: reasonOf(location) };
}

async function finish(location: string, flowCookie: string | null) {
  const q = new URL(location, 'http://x').searchParams;
  return completeSso({ code: q.get('code'), state: q.get('state'), cid: q.get('cid'), sig: q.get('sig'), flowCookie });
}

afterAll(async () => {
  await closeJackson();
});

describe('SAML sign-in', () => {
  it('provisions a new user just in time with the org default role, and signs them in again later', async () => {
    const { org, idp, connection, domain } = await ssoOrg();
    const email = `alice@${domain}`;
    const first = await samlRoundTrip(idp, connection.id, { email, firstName: 'Alice', lastName: 'Liddell' });
    expect(first.reason).toBeNull();
    const done = await finish(first.location, first.start.cookie);
    expect(done.kind).toBe('signin');
    if (done.kind !== 'signin') return;
    expect(done.createdUser).toBe(true);
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true, ssoIdentities: true }, omit: { passwordHash: false } });
    expect(user.name).toBe('Alice Liddell');
    expect(user.passwordHash).toBeNull();
    expect(user.memberships).toMatchObject([{ orgId: org.id, role: 'viewer' }]);
    expect(user.ssoIdentities).toHaveLength(1);
    const actions = (await prisma.auditEvent.findMany({ where: { orgId: org.id, actorId: user.id }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['user.create', 'sso.identity_link', 'membership.create', 'auth.sign_in']);

    const second = await samlRoundTrip(idp, connection.id, { email });
    const again = await finish(second.location, second.start.cookie);
    expect(again).toMatchObject({ kind: 'signin', userId: user.id, createdUser: false });
    expect(await prisma.membership.count({ where: { userId: user.id } })).toBe(1);
  });

  it('maps IdP groups to roles, picking the highest, and follows group changes on later sign-ins', async () => {
    const { org, staff, idp, connection, domain } = await ssoOrg();
    await setGroupRole(staff, org.id, { groupName: 'platform-admins', role: 'admin' });
    await setGroupRole(staff, org.id, { groupName: 'engineers', role: 'editor' });
    const email = `bob@${domain}`;
    const first = await samlRoundTrip(idp, connection.id, { email, groups: ['engineers', 'platform-admins', 'unmapped'] });
    await finish(first.location, first.start.cookie);
    const membership = () => prisma.membership.findFirstOrThrow({ where: { orgId: org.id, user: { email } } });
    expect((await membership()).role).toBe('admin');

    const second = await samlRoundTrip(idp, connection.id, { email, groups: ['engineers'] });
    await finish(second.location, second.start.cookie);
    expect((await membership()).role).toBe('editor');
    const change = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'membership.role_change' } });
    expect(change?.metadata).toMatchObject({ via: 'sso_group_mapping', group: 'engineers' });
  });

  it('refuses a first sign-in when the org has no free seat, with the reason the error page shows', async () => {
    const { org, idp, connection, domain } = await ssoOrg();
    // SSO needs Enterprise, whose seats are unlimited unless staff set a limit for the customer.
    await prisma.organization.update({ where: { id: org.id }, data: { quotaLimits: { seats: 3 } } });
    for (const role of ['owner', 'admin', 'viewer']) await createMember(org.id, role);
    const email = `judy@${domain}`;
    const result = await samlRoundTrip(idp, connection.id, { email });
    expect(result.reason).toBeNull();
    await expect(finish(result.location, result.start.cookie)).rejects.toMatchObject({ reason: 'no_seats' });
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it('maps groups only to this org’s roles: another org’s custom role is 404, like a missing one', async () => {
    const { org, staff } = await ssoOrg();
    const { actor: owner } = await createMember(org.id, 'owner');
    const own = await prisma.role.create({ data: { orgId: org.id, name: 'QA', permissions: ['org.view', 'licenses.view'] } });
    const foreign = await prisma.role.create({ data: { orgId: (await createOrg({ tier: 'enterprise' })).id, name: 'QA', permissions: ['org.view', 'licenses.view'] } });
    await expect(setGroupRole(owner, org.id, { groupName: 'qa', role: `custom:${foreign.id}` })).rejects.toBeInstanceOf(NotFoundError);
    await expect(setGroupRole(staff, org.id, { groupName: 'qa', role: `custom:${foreign.id}` })).rejects.toBeInstanceOf(NotFoundError);
    await expect(setGroupRole(owner, org.id, { groupName: 'qa', role: 'custom:no-such-role' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(setGroupRole(owner, org.id, { groupName: 'qa', role: 'superuser' })).rejects.toBeInstanceOf(ValidationError);
    expect(await prisma.ssoGroupRole.count({ where: { orgId: org.id } })).toBe(0);
    await expect(setGroupRole(owner, org.id, { groupName: 'qa', role: `custom:${own.id}` })).resolves.toMatchObject({ role: 'custom', customRoleId: own.id });
  });

  it('refuses a tampered assertion and creates nobody', async () => {
    const { idp, connection, domain } = await ssoOrg();
    const email = `carol@${domain}`;
    const result = await samlRoundTrip(idp, connection.id, { email }, {}, (xml) => xml.replaceAll(`carol@${domain}`, `mallory@${domain}`));
    expect(result.reason).toBe('invalid_signature');
    expect(await prisma.user.count({ where: { email: { in: [email, `mallory@${domain}`] } } })).toBe(0);
  });

  it('refuses an unsigned response', async () => {
    const { idp, connection, domain } = await ssoOrg();
    const result = await samlRoundTrip(idp, connection.id, { email: `dan@${domain}` }, {}, (xml) => xml.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/g, ''));
    expect(result.reason).toBe('unsigned');
  });

  it('refuses an expired assertion', async () => {
    const { idp, connection, domain } = await ssoOrg();
    const past = new Date(Date.now() - 60 * 60 * 1000);
    const result = await samlRoundTrip(idp, connection.id, { email: `erin@${domain}` }, { notOnOrAfter: past, notBefore: new Date(past.getTime() - 60_000) });
    expect(result.reason).toBe('expired');
    expect(await prisma.user.count({ where: { email: `erin@${domain}` } })).toBe(0);
  });

  it('refuses an assertion for another audience', async () => {
    const { idp, connection, domain } = await ssoOrg();
    const result = await samlRoundTrip(idp, connection.id, { email: `frank@${domain}` }, { audience: 'https://some-other-app.example/saml' });
    expect(result.reason).toBe('wrong_audience');
  });

  it('refuses a replayed response, with or without its RelayState', async () => {
    const { idp, connection, domain } = await ssoOrg();
    const first = await samlRoundTrip(idp, connection.id, { email: `grace@${domain}` });
    expect(first.reason).toBeNull();
    expect(reasonOf(await handleSamlResponse(first.post))).toBe('replayed');
    // Without RelayState it would pass as IdP-initiated: it still answers a request, so it is a replay.
    expect(reasonOf(await handleSamlResponse({ SAMLResponse: first.post.SAMLResponse, RelayState: null }))).toBe('replayed');
  });

  it('accepts IdP-initiated login, once', async () => {
    const { org, idp, domain } = await ssoOrg();
    const post = await idp.unsolicited(await spMetadata(), { email: `heidi@${domain}` });
    const location = await handleSamlResponse(post);
    expect(reasonOf(location)).toBeNull();
    const done = await finish(location, null);
    expect(done).toMatchObject({ kind: 'signin', next: `/portal/${org.slug}` });
    expect(reasonOf(await handleSamlResponse(post))).toBe('replayed');

    // The signed connection id cannot be swapped by the browser.
    const again = await handleSamlResponse(await idp.unsolicited(await spMetadata(), { email: `heidi@${domain}` }));
    const forged = new URL(again, 'http://x');
    forged.searchParams.set('cid', 'another-connection');
    await expect(finish(`${forged.pathname}${forged.search}`, null)).rejects.toMatchObject({ reason: 'state_mismatch' });
  });

  it('refuses a callback from another browser (no matching flow cookie)', async () => {
    const { idp, connection, domain } = await ssoOrg();
    const result = await samlRoundTrip(idp, connection.id, { email: `ivan@${domain}` });
    await expect(finish(result.location, null)).rejects.toMatchObject({ reason: 'state_mismatch' });
    const other = await startSso({ connectionId: connection.id });
    await expect(finish(result.location, other.cookie)).rejects.toMatchObject({ reason: 'state_mismatch' });
  });

  it('refuses an address outside the org’s verified domains', async () => {
    const { idp, connection } = await ssoOrg();
    const victim = `ceo@${uniqueSlug('other')}.test`;
    const result = await samlRoundTrip(idp, connection.id, { email: victim });
    await expect(finish(result.location, result.start.cookie)).rejects.toMatchObject({ reason: 'domain_not_verified' });
    expect(await prisma.user.count({ where: { email: victim } })).toBe(0);
  });
});

describe('OIDC sign-in', () => {
  const clientId = 'portcullis-test';
  const clientSecret = 'oidc-test-secret';
  let oidc: Awaited<ReturnType<typeof startOidcIdp>>;
  // The test provider listens on loopback, which the outbound guard refuses unless told otherwise.
  const privateAllowed = process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
  beforeAll(async () => {
    process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
    oidc = await startOidcIdp({ clientId, clientSecret, redirectUri: oidcRedirectUrl() });
  });
  afterAll(async () => {
    if (privateAllowed === undefined) delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
    else process.env.OUTBOUND_ALLOW_PRIVATE_URLS = privateAllowed;
    await oidc.close();
  });

  it('signs a user in through a real OIDC provider and provisions them', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const domain = `${uniqueSlug('oidc')}.test`;
    const { actor: staff } = await createStaff('staff-admin');
    const connection = await createOidcConnection(staff, org.id, { name: 'Test OIDC', discoveryUrl: oidc.discoveryUrl, clientId, clientSecret });
    await approveDomain(staff, org.id, (await addDomain(staff, org.id, { domain })).id);
    await setGroupRole(staff, org.id, { groupName: 'ops', role: 'editor' });
    const email = `olivia@${domain}`;
    oidc.addUser(email, { email, name: 'Olivia Oidc', groups: ['ops'] });

    const start = await startSso({ connectionId: connection.id, loginHint: email });
    const back = await followToRedirectUri(start.redirectUrl!, oidcRedirectUrl());
    const done = await completeOidc({ params: back.searchParams, flowCookie: start.cookie });
    expect(done.kind).toBe('signin');
    const user = await prisma.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(user.name).toBe('Olivia Oidc');
    expect(user.memberships).toMatchObject([{ orgId: org.id, role: 'editor' }]);
    const signIn = await prisma.auditEvent.findFirst({ where: { action: 'auth.sign_in', actorId: user.id } });
    expect(signIn?.metadata).toMatchObject({ method: 'oidc' });
  });

  it('rejects a discovery URL that is not an OIDC provider, writing nothing', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor: staff } = await createStaff('staff-admin');
    await expect(
      createOidcConnection(staff, org.id, { name: 'Broken', discoveryUrl: 'http://localhost:1/.well-known/openid-configuration', clientId, clientSecret }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await prisma.ssoConnection.count({ where: { orgId: org.id } })).toBe(0);
  });
});

describe('connection management', () => {
  it('lets owners manage connections and admins see them; viewers get 403, other orgs 404', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor: owner } = await createMember(org.id, 'owner');
    const { actor: admin } = await createMember(org.id, 'admin');
    const { actor: viewer } = await createMember(org.id, 'viewer');
    const outsider = (await createMember((await createOrg({ tier: 'enterprise' })).id, 'owner')).actor;
    const idp = newIdp();
    const connection = await createSamlConnection(owner, org.id, { name: 'Okta', metadataXml: idp.metadata() });
    const listed = await loadSsoSettings(admin, org.id);
    expect(listed.connections).toMatchObject([{ id: connection.id, protocol: 'saml', name: 'Okta', idp: { entityId: idp.entityId } }]);
    expect(listed.staff).toMatchObject({ canManage: true, canManageConnections: false });
    expect((await loadSsoSettings(owner, org.id)).staff).toMatchObject({ canManageConnections: true });

    // An IdP vouches for the org's people: adding or removing one is the owner's.
    await expect(createSamlConnection(admin, org.id, { name: 'x', metadataXml: newIdp().metadata() })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteSsoConnection(admin, org.id, connection.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createSamlConnection(viewer, org.id, { name: 'x', metadataXml: newIdp().metadata() })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(loadSsoSettings(outsider, org.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteSsoConnection(outsider, org.id, connection.id)).rejects.toBeInstanceOf(NotFoundError);

    // The same IdP twice, or one connected to another org, is refused.
    await expect(createSamlConnection(owner, org.id, { name: 'Again', metadataXml: idp.metadata() })).rejects.toBeInstanceOf(ValidationError);
    const other = await createOrg({ tier: 'enterprise' });
    const { actor: otherOwner } = await createMember(other.id, 'owner');
    await expect(createSamlConnection(otherOwner, other.id, { name: 'Stolen', metadataXml: idp.metadata() })).rejects.toThrow(/another organization/);

    await deleteSsoConnection(owner, org.id, connection.id);
    expect((await loadSsoSettings(owner, org.id)).connections).toEqual([]);
    await expect(startSso({ connectionId: connection.id })).rejects.toMatchObject({ reason: 'unknown_connection' });
    const actions = (await prisma.auditEvent.findMany({ where: { orgId: org.id, action: { startsWith: 'sso.' } }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions).toEqual(['sso.connection_create', 'sso.connection_delete']);
  });

  it('rejects metadata that is not SAML metadata, writing nothing', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createMember(org.id, 'owner');
    await expect(createSamlConnection(actor, org.id, { name: 'Bad', metadataXml: '<EntityDescriptor>nope</EntityDescriptor>' })).rejects.toBeInstanceOf(ValidationError);
    await expect(createSamlConnection(actor, org.id, { name: 'Bad', metadataXml: 'hello' })).rejects.toThrow(/EntityDescriptor/);
    expect(await prisma.ssoConnection.count({ where: { orgId: org.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id } })).toBe(0);
  });
});

describe('SSO required', () => {
  it('refuses password sign-in for the org’s verified domains once required, and only then', async () => {
    const { org, staff, domain } = await ssoOrg();
    const { actor: viewer } = await createMember(org.id, 'viewer');
    const password = 'correct horse battery staple';
    const email = `pat@${domain}`;
    await createUser({ email, passwordHash: await hashPassword(password) });
    const attempt = () => signInWithPassword({ email, password, ip: '203.0.113.9', userAgent: 'vitest' });
    expect(await attempt()).toMatchObject({ ok: true });

    await expect(updateSsoPolicy(viewer, org.id, { ssoRequired: 'true', defaultRole: 'viewer' })).rejects.toBeInstanceOf(ForbiddenError);
    await updateSsoPolicy(staff, org.id, { ssoRequired: 'true', defaultRole: 'editor' });
    expect(await attempt()).toEqual({ ok: false, reason: 'sso_required' });
    const elsewhere = `pat@${uniqueSlug('free')}.test`;
    await createUser({ email: elsewhere, passwordHash: await hashPassword(password) });
    expect(await signInWithPassword({ email: elsewhere, password, ip: null, userAgent: null })).toMatchObject({ ok: true });
    const audit = await prisma.auditEvent.findFirst({ where: { orgId: org.id, action: 'sso.policy_update' } });
    expect(audit?.after).toEqual({ ssoRequired: true, defaultRole: 'editor' });
  });

  it('cannot be turned on without a connection and a verified domain', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createMember(org.id, 'owner');
    await expect(updateSsoPolicy(actor, org.id, { ssoRequired: 'true', defaultRole: 'viewer' })).rejects.toThrow(/before requiring SSO/);
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).ssoRequired).toBe(false);
  });
});

describe('domain verification', () => {
  it('verifies a domain by its DNS TXT record through a real resolver, and explains what is missing', async () => {
    const records = new Map<string, string[]>();
    const dns = await startTxtDnsServer(records);
    process.env.SSO_DNS_SERVERS = dns.server;
    try {
      const org = await createOrg({ tier: 'enterprise' });
      const { actor } = await createMember(org.id, 'admin');
      const domain = `${uniqueSlug('dns')}.test`;
      const row = await addDomain(actor, org.id, { domain: `@${domain.toUpperCase()}` });
      expect(row.domain).toBe(domain);
      await expect(verifyDomainByDns(actor, org.id, row.id)).rejects.toThrow(/No TXT record found/);
      records.set(txtRecordName(domain), ['v=spf1 -all']);
      await expect(verifyDomainByDns(actor, org.id, row.id)).rejects.toThrow(/none is portcullis-domain-verification=/);
      records.set(txtRecordName(domain), ['v=spf1 -all', txtRecordValue(row.verificationToken)]);
      const verified = await verifyDomainByDns(actor, org.id, row.id);
      expect(verified).toMatchObject({ verifiedBy: 'dns' });
      expect(verified.verifiedAt).toBeInstanceOf(Date);

      // Another org cannot claim it; members cannot approve (staff only).
      const other = await createOrg({ tier: 'enterprise' });
      const { actor: otherAdmin } = await createMember(other.id, 'owner');
      await expect(addDomain(otherAdmin, other.id, { domain })).rejects.toThrow(/claimed by another organization/);
      const pending = await addDomain(otherAdmin, other.id, { domain: `${uniqueSlug('x')}.test` });
      await expect(approveDomain(otherAdmin, other.id, pending.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(verifyDomainByDns(actor, other.id, pending.id)).rejects.toBeInstanceOf(NotFoundError);
      const actions = (await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: { id: 'asc' } })).map((e) => e.action);
      expect(actions).toEqual(['sso.domain_add', 'sso.domain_verify']);
    } finally {
      delete process.env.SSO_DNS_SERVERS;
      await dns.close();
    }
  });
});
