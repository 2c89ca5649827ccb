import { inflateRawSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '@/lib/identity/auth/password';
import { signInWithPassword } from '@/lib/identity/auth/sign-in';
import { disconnectPrisma, prisma } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { runCli } from '@/dev/testing/cli';
import { createMember, createOrg, createStaff, createUser, uniqueSlug } from '@/dev/testing/factories';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { completeOidc, completeSso, handleSamlResponse, startSso } from '../flow';
import { acsUrl, closeJackson, getJackson, oidcRedirectUrl, spEntityId, STAFF_PRODUCT, STAFF_TENANT } from '../jackson';
import { followToRedirectUri } from '@/dev/testing/sso/oidc-idp';
import { handWrittenIdp, type HandWrittenIdp } from '@/dev/testing/sso/metadata';
import { startPyjwtOidcIdp } from '@/dev/testing/sso/pyjwt-oidc-idp';
import { responseTemplate, signWithXmlsec1, verifiesWithXmlsec1 } from '@/dev/testing/sso/xmlsec';
import {
  createStaffOidcConnection,
  createStaffSamlConnection,
  deleteStaffSsoConnection,
  loadStaffSignInSettings,
  requireStaffSso,
  staffSsoConnection,
  updateStaffSsoConnection,
} from './connection';
import { setBreakGlassAdmin, setStaffGroupRole, staffSsoPolicy } from './policy';

/**
 * Staff SSO against real counterparts: SAML responses signed by xmlsec1 (answering the AuthnRequest
 * Jackson made, SP-initiated as staff sign-in must be) and OIDC id_tokens signed by PyJWT. The staff
 * connection and "SSO required for staff" are vendor-wide, so this file owns a scratch database.
 */

let scratch: ScratchDatabase;
let baseUrl: string | undefined;
const savedEnv = { ...process.env };
beforeAll(async () => {
  scratch = await createScratchDatabase();
  baseUrl = process.env.DATABASE_URL;
  await disconnectPrisma();
  process.env.DATABASE_URL = scratch.url;
});
afterAll(async () => {
  await closeJackson();
  await disconnectPrisma();
  process.env.DATABASE_URL = baseUrl;
  await scratch?.drop();
});
beforeEach(async () => {
  // Each test starts without a staff connection, requirement, break-glass admin or mappings.
  await prisma.staffSsoConnection.deleteMany();
  await prisma.staffSsoGroupRole.deleteMany();
  await prisma.setting.deleteMany({ where: { key: { startsWith: 'staffSso.' } } });
  const jackson = await getJackson();
  const records = await jackson.connectionAPIController.getConnections({ tenant: STAFF_TENANT, product: STAFF_PRODUCT });
  for (const record of records) await jackson.connectionAPIController.deleteConnections({ clientID: record.clientID, clientSecret: record.clientSecret });
});
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('STAFF_SSO_') || key === 'OUTBOUND_ALLOW_PRIVATE_URLS') delete process.env[key];
  for (const [key, value] of Object.entries(savedEnv)) if (key.startsWith('STAFF_SSO_') || key === 'OUTBOUND_ALLOW_PRIVATE_URLS') process.env[key] = value;
});

const vendor = () => `${uniqueSlug('vendor')}.test`;

/** Starts a staff sign-in, answers Jackson's AuthnRequest with a response signed by xmlsec1, and completes it. */
async function samlStaffSignIn(idp: HandWrittenIdp, email: string, options: { groups?: string[] } = {}) {
  const start = await startSso({ staff: true });
  const redirect = new URL(start.redirectUrl!);
  const request = inflateRawSync(Buffer.from(redirect.searchParams.get('SAMLRequest')!, 'base64')).toString('utf8');
  const requestId = /\sID="([^"]+)"/.exec(request)![1]!;
  const template = responseTemplate({
    issuer: idp.entityId,
    email,
    audience: spEntityId(),
    recipient: acsUrl(),
    destination: acsUrl(),
    confirmationNotOnOrAfter: new Date(Date.now() + 5 * 60_000),
    inResponseTo: requestId,
    groups: options.groups,
  });
  const signed = signWithXmlsec1(template.xml, idp);
  expect(verifiesWithXmlsec1(signed, idp.certificate)).toBe(true);
  const location = await handleSamlResponse({ SAMLResponse: Buffer.from(signed).toString('base64'), RelayState: redirect.searchParams.get('RelayState') });
  expect(location).toMatch(/^\/api\/sso\/callback\?/);
  const q = new URL(location, 'http://x').searchParams;
  return completeSso({ code: q.get('code'), state: q.get('state'), flowCookie: start.cookie, ip: '203.0.113.9', userAgent: 'staff-sso-test' });
}

async function samlConnection() {
  const admin = await createStaff('staff-admin');
  const idp = handWrittenIdp({ ssoRedirect: 'https://idp.vendor.example/sso' });
  await createStaffSamlConnection(admin.actor, { name: 'Vendor Okta', metadataXml: idp.metadata });
  return { admin, idp };
}

async function passwordStaff(role: 'staff-admin' | 'staff-support', password = 'correct horse battery staple') {
  const user = await createUser({ email: `${uniqueSlug('staff')}@${vendor()}`, staffRole: role, passwordHash: await hashPassword(password) });
  return { user, password };
}

const passwordSignIn = (email: string, password: string) => signInWithPassword({ email, password, ip: '203.0.113.10', userAgent: 'staff-sso-test' });

describe('staff SSO sign-in (SAML, signed by xmlsec1)', () => {
  it('signs an existing staff member in through the staff IdP, lands on /admin as a saml sign-in (the session authMethod), audited', async () => {
    const { idp } = await samlConnection();
    const { user } = await createStaff('staff-support');
    const done = await samlStaffSignIn(idp, user.email.toUpperCase());
    expect(done).toMatchObject({ kind: 'signin', userId: user.id, next: '/admin', protocol: 'saml', createdUser: false });
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'auth.sign_in', targetId: user.id }, orderBy: { id: 'desc' } });
    expect(event.orgId).toBeNull();
    expect(event.metadata).toMatchObject({ method: 'saml', staff: true });
    expect((await prisma.staffSsoConnection.findFirstOrThrow()).lastSignInAt).not.toBeNull();
    // The IdP's subject is linked to the staff account, so the next sign-in finds it by subject.
    expect(await prisma.ssoIdentity.count({ where: { userId: user.id } })).toBe(1);
  });

  it('refuses an unknown email (no JIT staff) and a customer user’s email, audited, nothing created or linked', async () => {
    const { idp } = await samlConnection();
    const unknown = `${uniqueSlug('nobody')}@${vendor()}`;
    await expect(samlStaffSignIn(idp, unknown)).rejects.toMatchObject({ reason: 'not_staff' });
    expect(await prisma.user.count({ where: { email: unknown } })).toBe(0);

    const org = await createOrg();
    const customer = await createMember(org.id, 'owner');
    await expect(samlStaffSignIn(idp, customer.user.email, { groups: ['vendor-support'] })).rejects.toMatchObject({ reason: 'not_staff' });
    const after = await prisma.user.findUniqueOrThrow({ where: { id: customer.user.id } });
    expect(after.staffRole).toBeNull();
    expect(await prisma.ssoIdentity.count({ where: { userId: customer.user.id } })).toBe(0);
    const failures = await prisma.auditEvent.findMany({ where: { action: 'auth.sign_in_failed', orgId: null }, orderBy: { id: 'asc' } });
    expect(failures.map((f) => (f.metadata as { reason: string }).reason)).toEqual(expect.arrayContaining(['no_staff_account', 'customer_account']));
  });

  it('group mappings let a new person in with the mapped role, never staff-admin without explicit confirmation', async () => {
    const { admin, idp } = await samlConnection();
    await expect(setStaffGroupRole(admin.actor, { groupName: 'vendor-admins', staffRole: 'staff-admin' })).rejects.toBeInstanceOf(Error);
    expect(await prisma.staffSsoGroupRole.count()).toBe(0);
    await setStaffGroupRole(admin.actor, { groupName: 'vendor-support', staffRole: 'staff-support' });
    const email = `${uniqueSlug('newhire')}@${vendor()}`;
    const done = await samlStaffSignIn(idp, email, { groups: ['vendor-support', 'vendor-admins'] });
    expect(done).toMatchObject({ kind: 'signin', createdUser: true });
    expect((await prisma.user.findUniqueOrThrow({ where: { email } })).staffRole).toBe('staff-support');

    await setStaffGroupRole(admin.actor, { groupName: 'vendor-admins', staffRole: 'staff-admin', allowAdmin: 'true' });
    const boss = `${uniqueSlug('boss')}@${vendor()}`;
    await samlStaffSignIn(idp, boss, { groups: ['vendor-support', 'vendor-admins'] });
    expect((await prisma.user.findUniqueOrThrow({ where: { email: boss } })).staffRole).toBe('staff-admin');
    expect(await prisma.auditEvent.count({ where: { action: 'staff_sso.group_role_set' } })).toBe(2);
  });

  it('refuses an unsolicited (IdP-initiated) response for the staff IdP', async () => {
    const { idp } = await samlConnection();
    const { user } = await createStaff('staff-admin');
    const template = responseTemplate({ issuer: idp.entityId, email: user.email, audience: spEntityId(), recipient: acsUrl(), destination: acsUrl(), confirmationNotOnOrAfter: new Date(Date.now() + 5 * 60_000) });
    const location = await handleSamlResponse({ SAMLResponse: Buffer.from(signWithXmlsec1(template.xml, idp)).toString('base64'), RelayState: null });
    expect(location).toBe('/sign-in/sso/error?reason=staff_idp_initiated');
  });

  it('refuses a response signed by another key (the same checks as customer SSO)', async () => {
    const { idp } = await samlConnection();
    const { user } = await createStaff('staff-admin');
    const impostor = { ...handWrittenIdp(), entityId: idp.entityId };
    await expect(samlStaffSignIn(impostor, user.email)).rejects.toThrow();
  });
});

describe('staff SSO sign-in (OIDC, id_tokens signed by PyJWT)', () => {
  const clientId = 'portcullis-staff';
  const clientSecret = 'staff-client-secret';
  let idp: Awaited<ReturnType<typeof startPyjwtOidcIdp>>;
  beforeEach(async () => {
    process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
    idp = await startPyjwtOidcIdp({ clientId, clientSecret });
  });
  afterEach(async () => {
    await idp.close();
  });

  async function oidcStaffSignIn() {
    const start = await startSso({ staff: true, next: '/admin/customers' });
    const back = await followToRedirectUri(start.redirectUrl!, oidcRedirectUrl());
    return completeOidc({ params: back.searchParams, flowCookie: start.cookie });
  }

  it('signs an existing staff member in (authMethod oidc) and refuses a token signed by an unpublished key', async () => {
    const admin = await createStaff('staff-admin');
    await createStaffOidcConnection(admin.actor, { name: 'Vendor Entra', discoveryUrl: idp.discoveryUrl, clientId, clientSecret });
    const { user } = await createStaff('staff-billing');
    idp.next({ sub: 'forged', email: user.email, signWith: 'foreign' });
    await expect(oidcStaffSignIn()).rejects.toMatchObject({ reason: 'invalid_signature' });
    const refused = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'auth.sign_in_failed', targetType: 'staff_sso_connection' }, orderBy: { id: 'desc' } });
    expect(refused.metadata).toEqual({ staff: true, reason: 'invalid_signature' });
    idp.next({ sub: 'billing-1', email: user.email, signWith: 'published' });
    await expect(oidcStaffSignIn()).resolves.toMatchObject({ kind: 'signin', userId: user.id, protocol: 'oidc', next: '/admin/customers' });
    const customer = await createMember((await createOrg()).id, 'admin');
    idp.next({ sub: 'cust-1', email: customer.user.email, signWith: 'published' });
    await expect(oidcStaffSignIn()).rejects.toMatchObject({ reason: 'not_staff' });
    // A deactivated staff member is refused, even through an identity linked before.
    await prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    idp.next({ sub: 'billing-1', email: user.email, signWith: 'published' });
    await expect(oidcStaffSignIn()).rejects.toMatchObject({ reason: 'user_disabled' });
    // Audited once, by the sign-in that refused it.
    expect(await prisma.auditEvent.count({ where: { action: 'auth.sign_in_failed', targetType: 'staff_sso_connection', metadata: { path: ['reason'], equals: 'not_staff' } } })).toBe(0);
  });

  it('takes its configuration from STAFF_SSO_OIDC_* variables, read-only in settings, audited as the environment', async () => {
    process.env.STAFF_SSO_OIDC_DISCOVERY_URL = idp.discoveryUrl;
    process.env.STAFF_SSO_OIDC_CLIENT_ID = clientId;
    process.env.STAFF_SSO_OIDC_CLIENT_SECRET = clientSecret;
    process.env.STAFF_SSO_NAME = 'Env IdP';
    const admin = await createStaff('staff-admin');
    const settings = await loadStaffSignInSettings(admin.actor);
    expect(settings).toMatchObject({ fromEnv: true, envProblem: null, connection: { name: 'Env IdP', protocol: 'oidc', source: 'env' } });
    const { user } = await createStaff('staff-support');
    idp.next({ sub: 'env-1', email: user.email, signWith: 'published' });
    await expect(oidcStaffSignIn()).resolves.toMatchObject({ kind: 'signin', userId: user.id });
    const created = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'staff_sso.connection_create' }, orderBy: { id: 'desc' } });
    expect(created.actorLabel).toBe('system:staff-sso-env');
    expect(JSON.stringify([created.before, created.after, created.metadata])).not.toContain(clientSecret);
    // Read-only in the UI: every change is refused with a message that points at the variables.
    await expect(deleteStaffSsoConnection(admin.actor)).rejects.toThrow(/environment variables/);
    await expect(updateStaffSsoConnection(admin.actor, { name: 'x', discoveryUrl: idp.discoveryUrl, clientId })).rejects.toThrow(/environment variables/);
    await expect(createStaffSamlConnection(admin.actor, { name: 'x', metadataXml: handWrittenIdp().metadata })).rejects.toThrow(/environment variables/);
  });
});

describe('environment configuration errors', () => {
  it('names the variable that is wrong and offers no connection', async () => {
    const admin = await createStaff('staff-admin');
    process.env.STAFF_SSO_OIDC_DISCOVERY_URL = 'not a url';
    const settings = await loadStaffSignInSettings(admin.actor);
    expect(settings.envProblem).toMatch(/STAFF_SSO_OIDC_DISCOVERY_URL/);
    expect(settings.envProblem).toMatch(/STAFF_SSO_OIDC_CLIENT_ID/);
    await expect(startSso({ staff: true })).rejects.toMatchObject({ reason: 'idp_misconfigured' });
  });

  it('reads SAML metadata from STAFF_SSO_SAML_METADATA_FILE and refuses both protocols at once', async () => {
    const idp = handWrittenIdp({ ssoRedirect: 'https://idp.vendor.example/sso' });
    const file = path.join(tmpdir(), `${uniqueSlug('staff-metadata')}.xml`);
    writeFileSync(file, idp.metadata);
    process.env.STAFF_SSO_SAML_METADATA_FILE = file;
    const connection = await staffSsoConnection();
    expect(connection).toMatchObject({ protocol: 'saml', source: 'env', name: 'Company SSO' });
    const { user } = await createStaff('staff-support');
    await expect(samlStaffSignIn(idp, user.email)).resolves.toMatchObject({ kind: 'signin', userId: user.id });

    process.env.STAFF_SSO_OIDC_CLIENT_ID = 'also-oidc';
    const admin = await createStaff('staff-admin');
    expect((await loadStaffSignInSettings(admin.actor)).envProblem).toBe('Set either the STAFF_SSO_SAML_* or the STAFF_SSO_OIDC_* variables, not both.');
  });
});

describe('configuring staff SSO', () => {
  it('is for staff-admins only: support and billing staff and customers are refused, nothing stored', async () => {
    const idp = handWrittenIdp({ ssoRedirect: 'https://idp.vendor.example/sso' });
    const support = await createStaff('staff-support');
    const billing = await createStaff('staff-billing');
    const owner = await createMember((await createOrg()).id, 'owner');
    for (const actor of [support.actor, billing.actor, owner.actor]) {
      await expect(createStaffSamlConnection(actor, { name: 'x', metadataXml: idp.metadata })).rejects.toMatchObject({ status: 403 });
      await expect(requireStaffSso(actor, { required: 'false' })).rejects.toMatchObject({ status: 403 });
      await expect(setBreakGlassAdmin(actor, { email: '' })).rejects.toMatchObject({ status: 403 });
      await expect(setStaffGroupRole(actor, { groupName: 'g', staffRole: 'staff-support' })).rejects.toMatchObject({ status: 403 });
      await expect(loadStaffSignInSettings(actor)).rejects.toMatchObject({ status: 403 });
    }
    expect(await prisma.staffSsoConnection.count()).toBe(0);
    expect(await prisma.staffSsoGroupRole.count()).toBe(0);
  });

  it('validates like customer SSO: bad metadata, script URLs, a second connection; audits create, update and delete', async () => {
    const admin = await createStaff('staff-admin');
    await expect(createStaffSamlConnection(admin.actor, { name: 'x', metadataXml: '<nope/>' })).rejects.toBeInstanceOf(Error);
    const script = handWrittenIdp({ ssoRedirect: 'javascript://localhost/%0aalert(1)' });
    await expect(createStaffSamlConnection(admin.actor, { name: 'x', metadataXml: script.metadata })).rejects.toBeInstanceOf(ValidationError);
    await expect(createStaffSamlConnection(admin.actor, { name: 'x', metadataUrl: 'http://127.0.0.1:9/metadata' })).rejects.toBeInstanceOf(ValidationError);
    expect(await prisma.staffSsoConnection.count()).toBe(0);

    const idp = handWrittenIdp({ ssoRedirect: 'https://idp.vendor.example/sso' });
    await createStaffSamlConnection(admin.actor, { name: 'Vendor Okta', metadataXml: idp.metadata });
    await expect(createStaffSamlConnection(admin.actor, { name: 'Second', metadataXml: handWrittenIdp().metadata })).rejects.toThrow(/already a staff SSO connection/);
    await updateStaffSsoConnection(admin.actor, { name: 'Vendor Okta (prod)' });
    expect((await prisma.staffSsoConnection.findFirstOrThrow()).name).toBe('Vendor Okta (prod)');
    await deleteStaffSsoConnection(admin.actor);
    expect(await prisma.staffSsoConnection.count()).toBe(0);
    const actions = (await prisma.auditEvent.findMany({ where: { action: { startsWith: 'staff_sso.connection_' } }, orderBy: { id: 'asc' } })).map((e) => e.action);
    expect(actions.slice(-3)).toEqual(['staff_sso.connection_create', 'staff_sso.connection_update', 'staff_sso.connection_delete']);
  });
});

describe('SSO required for staff', () => {
  it('refuses to turn on without a working connection, then blocks staff passwords except the break-glass admin', async () => {
    const { user: glass, password } = await passwordStaff('staff-admin');
    const { user: other } = await passwordStaff('staff-admin');
    const { user: support } = await passwordStaff('staff-support');
    const admin = { actor: { kind: 'user' as const, userId: glass.id, label: glass.email, staffRole: 'staff-admin' as const } };

    await expect(requireStaffSso(admin.actor, { required: 'true' })).rejects.toThrow(/Add a staff SSO connection/);
    const idp = handWrittenIdp({ ssoRedirect: 'https://idp.vendor.example/sso' });
    await createStaffSamlConnection(admin.actor, { name: 'Vendor Okta', metadataXml: idp.metadata });
    await expect(requireStaffSso(admin.actor, { required: 'true' })).rejects.toThrow(/Sign in once through the staff connection/);
    await samlStaffSignIn(idp, support.email);
    await requireStaffSso(admin.actor, { required: 'true' });
    expect(await staffSsoPolicy()).toEqual({ required: true, breakGlassUserId: null });

    // A non-admin (or a customer, or nobody) cannot be the break-glass account.
    await expect(setBreakGlassAdmin(admin.actor, { email: support.email })).rejects.toThrow(/Only a staff admin/);
    const customer = await createMember((await createOrg()).id, 'owner');
    await expect(setBreakGlassAdmin(admin.actor, { email: customer.user.email })).rejects.toThrow(/no staff account/);
    await setBreakGlassAdmin(admin.actor, { email: glass.email });

    await expect(passwordSignIn(glass.email, password)).resolves.toMatchObject({ ok: true });
    await expect(passwordSignIn(other.email, password)).resolves.toEqual({ ok: false, reason: 'staff_sso_required' });
    await expect(passwordSignIn(support.email, password)).resolves.toEqual({ ok: false, reason: 'staff_sso_required' });
    // A wrong password says nothing about the account being staff.
    await expect(passwordSignIn(other.email, 'wrong password entirely')).resolves.toEqual({ ok: false, reason: 'invalid' });
    // Customers are not affected.
    const customerPassword = await createUser({ email: `${uniqueSlug('cust')}@customer.test`, passwordHash: await hashPassword(password) });
    await expect(passwordSignIn(customerPassword.email, password)).resolves.toMatchObject({ ok: true });
    // SSO still works for everyone with a staff account.
    await expect(samlStaffSignIn(idp, other.email)).resolves.toMatchObject({ kind: 'signin', userId: other.id });

    const audit = await prisma.auditEvent.findMany({ where: { action: { in: ['staff_sso.required_change', 'staff_sso.break_glass_set'] } }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => e.action)).toEqual(['staff_sso.required_change', 'staff_sso.break_glass_set']);

    // Recovery from a shell: an operator with DATABASE_URL turns it off.
    const off = await runCli(['staff', 'sso-required', 'off']);
    expect(off).toMatchObject({ code: 0, stderr: '' });
    expect(off.stdout).toContain('SSO required for staff: off');
    await expect(passwordSignIn(other.email, password)).resolves.toMatchObject({ ok: true });
    const offEvent = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'staff_sso.required_change' }, orderBy: { id: 'desc' } });
    expect(offEvent.actorLabel).toMatch(/^cli:/);
  });

  it('the CLI names the break-glass admin and refuses a non-admin, changing nothing', async () => {
    const { user: glass } = await passwordStaff('staff-admin');
    const { user: support } = await passwordStaff('staff-support');
    expect(await runCli(['staff', 'break-glass', support.email])).toMatchObject({ code: 1, stderr: 'portcullis: Only a staff admin can be the break-glass account.\n' });
    expect((await staffSsoPolicy()).breakGlassUserId).toBeNull();
    expect((await runCli(['staff', 'break-glass', glass.email])).stdout).toContain(`Break-glass admin: ${glass.email}`);
    expect((await staffSsoPolicy()).breakGlassUserId).toBe(glass.id);
    const on = await runCli(['staff', 'sso-required', 'on']);
    expect(on.code).toBe(1);
    expect(on.stderr).toMatch(/Add a staff SSO connection/);
  });

  it('removing the connection turns the requirement off (nobody is locked out), audited', async () => {
    const { admin, idp } = await samlConnection();
    const { user } = await createStaff('staff-support');
    await samlStaffSignIn(idp, user.email);
    await requireStaffSso(admin.actor, { required: true });
    await deleteStaffSsoConnection(admin.actor);
    expect((await staffSsoPolicy()).required).toBe(false);
    const last = await prisma.auditEvent.findFirstOrThrow({ where: { action: 'staff_sso.required_change' }, orderBy: { id: 'desc' } });
    expect(last.metadata).toMatchObject({ why: 'connection_deleted' });
  });
});
