import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActionResult } from '@/lib/platform/action-result';
import { generateSecret, keyedHash } from '@/lib/platform/crypto/keyed-hash';
import { disconnectPrisma, prisma } from '@/lib/platform/db/client';
import { setMailTransport } from '@/lib/platform/mail/send';
import { memoryTransport } from '@/lib/platform/mail/transport';
import { setFeatureOverride } from '@/lib/product/features/flags';
import { updateTemplate } from '@/lib/product/instructions/templates';
import { issueLicense } from '@/lib/product/licensing/issue';
import { rotateSigningKey } from '@/lib/product/licensing/signing-keys';
import { ORG_PERMISSIONS } from '@/lib/identity/rbac/permissions';
import { mintToken } from '@/lib/product/registry/tokens';
import { createSiemDestination } from '@/lib/product/siem/destinations';
import { DUMMY_HASH } from '@/lib/identity/auth/password';
import { addDomain } from '@/lib/identity/sso/domains';
import { closeJackson } from '@/lib/identity/sso/jackson';
import { createStaffSamlConnection } from '@/lib/identity/sso/staff/connection';
import { handWrittenIdp } from '@/dev/testing/sso/metadata';
import { startPyjwtOidcIdp } from '@/dev/testing/sso/pyjwt-oidc-idp';
import { deactivateStaffUser } from '@/lib/identity/staff/staff-users';
import { createMember, createOrg, createStaff, enrolMfa, uniqueSlug } from '@/dev/testing/factories';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { discoverEntryPoints } from './discover';
import { asUser, loadEntryPoint, redirectTarget, toFormData, type Fields } from './harness';

/**
 * Admin access sweep. Every staff-only server action and route handler
 * (everything under app/(admin), and actions defined with staffAction
 * anywhere) is found by reading the source (discover.ts) and must have a
 * case below. Each case is called, against a populated customer:
 *  - by the customer's own owner, by a custom role holding every org
 *    permission, by the owner of another org, and by that owner with ids
 *    that do not exist → every one of them the same 403, so a customer can
 *    neither act nor learn which customers, tokens or licenses exist;
 *  - signed out → 401;
 * and the whole database (a scratch one this file owns, every table) must
 * be unchanged. Then a staff-admin makes the same call, which must succeed
 * and change it, proving the case exercises the action. A new staff-only
 * action or route without a case fails the sweep.
 */

// ── the request context: the real session code, over a mocked next-auth ────
vi.mock('@/lib/identity/auth/config', async () => (await import('./harness')).mockedAuthConfig());
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'user-agent': 'admin-access-sweep', 'x-forwarded-for': '198.51.100.10' }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false }),
}));
vi.mock('next/cache', () => ({ refresh: () => {}, revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {} }));

// ── the world ──────────────────────────────────────────────────────────────
/** A customer as staff see it: members, tokens, a license, repositories, SSO domain, SIEM dead letter. */
async function createCustomerWorld() {
  const staff = await createStaff('staff-admin');
  const org = await createOrg({ tier: 'enterprise', name: `Admin sweep ${uniqueSlug('c')}` });
  const owner = await createMember(org.id, 'owner');
  const everything = await prisma.role.create({ data: { orgId: org.id, name: 'Every org permission', permissions: [...ORG_PERMISSIONS] } });
  const allPermissions = await createMember(org.id, 'custom', everything.id);
  const repository = await prisma.repository.create({ data: { name: `sweep/${uniqueSlug('repo')}`, upstreamUrl: 'https://registry.example.test', upstreamRepository: 'vendor/product' } });
  const spareRepository = await prisma.repository.create({ data: { name: `sweep/${uniqueSlug('spare')}`, upstreamUrl: 'https://registry.example.test', upstreamRepository: 'vendor/other' } });
  await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repository.id } });
  const token = await mintToken(staff.actor, { orgId: org.id, name: 'production', repositoryIds: [repository.id] });
  const license = await issueLicense(staff.actor, { orgId: org.id });
  const domain = await addDomain(staff.actor, org.id, { domain: `${uniqueSlug('corp')}.test` });
  const { destination } = await createSiemDestination(owner.actor, org.slug, { url: 'https://siem.example.test/hook' });
  await prisma.siemDelivery.create({ data: { destinationId: destination.id, auditEventId: destination.cursor, status: 'dead', attempts: 10, lastError: 'HTTP 500' } });
  const other = await createOrg({ name: `Other ${uniqueSlug('o')}` });
  const otherOwner = await createMember(other.id, 'owner');
  const colleague = await createStaff('staff-support');
  const viewer = await createMember(org.id, 'viewer');
  const invitation = await prisma.invitation.create({
    data: { orgId: org.id, email: `${uniqueSlug('first-owner')}@example.test`, role: 'owner', tokenHash: keyedHash(generateSecret('pci_', 32)), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  // Staff act with a second factor; a staff-admin without one is refused everything (lib/identity/auth/mfa-policy.ts).
  await enrolMfa(staff.user.id);
  await enrolMfa(colleague.user.id);
  const unenrolled = await createStaff('staff-admin');
  return { colleague, unenrolled, staff, org, owner, allPermissions, repository, spareRepository, token: token.record, license: license.license, domain, destination, other, otherOwner, invitation, viewer };
}
type World = Awaited<ReturnType<typeof createCustomerWorld>>;

/** The ids a call may carry that name this customer's things (replaced by unknown ones for the "does it exist?" probe). */
function customerIds(w: World): string[] {
  return [w.org.id, w.org.slug, w.token.id, w.license.id, w.repository.id, w.domain.id, w.destination.id, w.invitation.id, w.viewer.user.id];
}

// ── the cases ──────────────────────────────────────────────────────────────
type ActionFn = (state: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

interface ActionCase {
  kind: 'action';
  fields: (w: World) => Fields;
  /** Runs (as staff) before the calls, for state the action needs (a deactivated customer, a stored template). */
  prepare?: (w: World) => Promise<void>;
  /** For actions that are not form actions: how to call them with these fields. */
  call?: (fn: unknown, fields: Fields) => Promise<ActionResult<unknown>>;
  /** Why a successful call stores nothing. */
  readOnly?: string;
}

interface RouteCase {
  kind: 'route';
  request: (w: World) => { path: string; params: Record<string, string> };
  readOnly?: string;
}

type Case = ActionCase | RouteCase;

const CUSTOMERS = 'app/(admin)/admin/customers';
const LICENSES = 'app/(admin)/admin/licenses';
const REPOSITORIES = 'app/(admin)/admin/repositories/actions.ts';
const SETTINGS = 'app/(admin)/admin/settings/actions.ts';
const FEATURE = 'audit_streaming';

const CASES: Record<string, Case> = {
  // customers
  [`${CUSTOMERS}/actions.ts#createCustomerAction`]: {
    kind: 'action',
    fields: () => ({ name: `Created ${uniqueSlug('x')}`, contactEmail: 'ops@created.test', tier: 'community' }),
  },
  [`${CUSTOMERS}/actions.ts#updateCustomerAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, name: `Renamed by staff ${uniqueSlug('r')}`, notes: 'staff only' }) },
  [`${CUSTOMERS}/actions.ts#deactivateCustomerAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, slug: w.org.slug, reason: 'sweep' }) },
  [`${CUSTOMERS}/actions.ts#reactivateCustomerAction`]: {
    kind: 'action',
    prepare: async (w) => {
      await prisma.organization.update({ where: { id: w.org.id }, data: { status: 'deactivated', deactivatedAt: new Date() } });
    },
    fields: (w) => ({ orgId: w.org.id, slug: w.org.slug }),
  },
  [`${CUSTOMERS}/actions.ts#setCustomerQuotasAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, slug: w.org.slug, pulls_per_month: '2000', warningPercent: '90', reason: 'contract 7' }) },
  [`${CUSTOMERS}/actions.ts#grantAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, slug: w.org.slug, repositoryId: w.spareRepository.id }) },
  [`${CUSTOMERS}/actions.ts#removeGrantAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, slug: w.org.slug, repositoryId: w.repository.id }) },
  [`${CUSTOMERS}/actions.ts#grantVersionsAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, slug: w.org.slug, repositoryId: w.repository.id, versionRange: '>=1.0.0' }) },
  [`${CUSTOMERS}/actions.ts#mintTokenAction`]: {
    kind: 'action',
    fields: (w) => ({ orgId: w.org.id, slug: w.org.slug, name: 'ci', repositoryIds: [w.repository.id], expiresInDays: '30' }),
  },
  [`${CUSTOMERS}/actions.ts#rotateTokenAction`]: { kind: 'action', fields: (w) => ({ tokenId: w.token.id, slug: w.org.slug, overlapHours: '24' }) },
  [`${CUSTOMERS}/actions.ts#revokeTokenAction`]: { kind: 'action', fields: (w) => ({ tokenId: w.token.id, slug: w.org.slug }) },
  [`${CUSTOMERS}/actions.ts#revokeAllTokensAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, slug: w.org.slug }) },
  [`${CUSTOMERS}/actions.ts#setChecklistItemAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, slug: w.org.slug, key: 'info_collected', done: 'true' }) },
  [`${CUSTOMERS}/actions.ts#recordInstructionsCopiedAction`]: {
    kind: 'action',
    fields: (w) => ({ orgId: w.org.id, repositoryId: w.repository.id }),
    call: (fn, fields) => (fn as (orgId: string, repositoryId: string | null) => Promise<ActionResult<unknown>>)(fields.orgId as string, fields.repositoryId as string),
  },
  // the customer's people: the first owner's invitation, and (de)activating a person
  [`${CUSTOMERS}/actions.ts#inviteOwnerAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, email: `${uniqueSlug('owner')}@example.test`, role: 'owner' }) },
  [`${CUSTOMERS}/actions.ts#resendOwnerInvitationAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, invitationId: w.invitation.id }) },
  [`${CUSTOMERS}/actions.ts#cancelOwnerInvitationAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, invitationId: w.invitation.id }) },
  [`${CUSTOMERS}/actions.ts#deactivateUserAction`]: { kind: 'action', fields: (w) => ({ orgId: w.org.id, userId: w.viewer.user.id }) },
  [`${CUSTOMERS}/actions.ts#reactivateUserAction`]: {
    kind: 'action',
    prepare: async (w) => {
      await prisma.user.update({ where: { id: w.viewer.user.id }, data: { disabledAt: new Date() } });
    },
    fields: (w) => ({ orgId: w.org.id, userId: w.viewer.user.id }),
  },
  [`${CUSTOMERS}/[slug]/instructions/download/route.ts#GET`]: {
    kind: 'route',
    request: (w) => ({ path: `/admin/customers/${w.org.slug}/instructions/download?repo=${w.repository.id}`, params: { slug: w.org.slug } }),
  },
  // billing
  'app/(admin)/admin/billing/actions.ts#manualTierAction': { kind: 'action', fields: (w) => ({ orgId: w.org.id, tier: 'team', reason: 'invoiced deal, contract 7' }) },
  // licenses, signing keys, features
  [`${LICENSES}/actions.ts#issueLicenseAction`]: { kind: 'action', fields: (w) => ({ customer: w.org.slug }) },
  [`${LICENSES}/actions.ts#reissueLicenseAction`]: { kind: 'action', fields: (w) => ({ licenseId: w.license.id, reason: 'more seats' }) },
  [`${LICENSES}/actions.ts#revokeLicenseAction`]: { kind: 'action', fields: (w) => ({ licenseId: w.license.id, reason: 'contract ended' }) },
  [`${LICENSES}/actions.ts#rotateKeyAction`]: { kind: 'action', fields: () => ({}) },
  [`${LICENSES}/actions.ts#setPlanRepositoriesAction`]: { kind: 'action', fields: (w) => ({ tier: 'enterprise', repositoryIds: [w.spareRepository.id] }) },
  [`${LICENSES}/actions.ts#retireKeyAction`]: {
    kind: 'action',
    // A second key, so the one the customer's license was signed with is no longer active and may be retired (forced: the license is live).
    prepare: async (w) => {
      await rotateSigningKey(w.staff.actor);
    },
    fields: (w) => ({ kid: w.license.kid, force: 'true' }),
  },
  [`${LICENSES}/actions.ts#createFlagAction`]: { kind: 'action', fields: () => ({ key: `sweep_${randomUUID().slice(0, 8)}`, description: 'made by the sweep', minTier: 'team' }) },
  [`${LICENSES}/actions.ts#updateFlagAction`]: { kind: 'action', fields: () => ({ key: 'webhooks', minTier: 'enterprise' }) },
  [`${LICENSES}/actions.ts#setOverrideAction`]: {
    kind: 'action',
    fields: (w) => ({ customer: w.org.slug, featureKey: FEATURE, enabled: 'false', reason: 'sweep: withheld' }),
  },
  [`${LICENSES}/actions.ts#removeOverrideAction`]: {
    kind: 'action',
    prepare: async (w) => {
      await setFeatureOverride(w.staff.actor, { orgId: w.org.id, featureKey: FEATURE, enabled: false, reason: 'sweep: withheld' });
    },
    fields: (w) => ({ orgId: w.org.id, featureKey: FEATURE }),
  },
  [`${LICENSES}/[id]/download/route.ts#GET`]: { kind: 'route', request: (w) => ({ path: `/admin/licenses/${w.license.id}/download`, params: { id: w.license.id } }) },
  [`${LICENSES}/keys/[kid]/pem/route.ts#GET`]: {
    kind: 'route',
    request: (w) => ({ path: `/admin/licenses/keys/${w.license.kid}/pem`, params: { kid: w.license.kid } }),
    readOnly: 'serves a public key',
  },
  // repositories and settings (vendor-wide)
  [`${REPOSITORIES}#createRepositoryAction`]: {
    kind: 'action',
    fields: () => ({ name: `sweep/${uniqueSlug('new')}`, upstreamUrl: 'https://registry.example.test', upstreamSecret: 'upstream-secret', defaultTag: '1.0.0' }),
  },
  [`${REPOSITORIES}#updateRepositoryAction`]: { kind: 'action', fields: (w) => ({ repositoryId: w.repository.id, description: 'changed by staff' }) },
  [`${REPOSITORIES}#deleteRepositoryAction`]: { kind: 'action', fields: (w) => ({ repositoryId: w.spareRepository.id }) },
  [`${SETTINGS}#updateTemplateAction`]: { kind: 'action', fields: () => ({ key: 'docker', title: 'Docker', body: 'docker login {{registryHost}}' }) },
  [`${SETTINGS}#resetTemplateAction`]: {
    kind: 'action',
    prepare: async (w) => {
      await updateTemplate(w.staff.actor, { key: 'troubleshooting', title: 'Help', body: 'Ask {{vendorContact}}.' });
    },
    fields: () => ({ key: 'troubleshooting' }),
  },
  [`${SETTINGS}#updateInstructionSettingsAction`]: {
    kind: 'action',
    fields: () => ({ vendorContact: `support-${uniqueSlug('p')}@vendor.test` }),
  },
  [`${SETTINGS}#deactivateStaffAction`]: { kind: 'action', fields: (w) => ({ email: w.colleague.user.email }) },
  [`${SETTINGS}#reactivateStaffAction`]: {
    kind: 'action',
    prepare: async (w) => {
      await deactivateStaffUser(w.staff.actor, { email: w.colleague.user.email });
    },
    fields: (w) => ({ email: w.colleague.user.email }),
  },
  [`${SETTINGS}#resetMfaAction`]: { kind: 'action', fields: (w) => ({ email: w.colleague.user.email }) },
  [`${SETTINGS}#setMaxTokenDaysAction`]: { kind: 'action', fields: () => ({ maxDays: String(100 + Math.floor(Math.random() * 200)) }) },
  // staff sign-in (lib/identity/sso/staff): vendor-wide, one connection, staff-admins only
  [`${SETTINGS}#createStaffSamlConnectionAction`]: {
    kind: 'action',
    prepare: noStaffConnection,
    fields: () => ({ name: 'Vendor Okta', metadataXml: handWrittenIdp({ ssoRedirect: 'https://idp.vendor.example/sso' }).metadata }),
  },
  [`${SETTINGS}#createStaffOidcConnectionAction`]: {
    kind: 'action',
    prepare: async () => {
      await noStaffConnection();
      // The control call fetches discovery from a provider on loopback.
      process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
      staffOidcIdp ??= await startPyjwtOidcIdp({ clientId: 'sweep-staff', clientSecret: 'sweep-staff-secret' });
    },
    fields: () => ({ name: 'Vendor Entra', discoveryUrl: staffOidcIdp!.discoveryUrl, clientId: 'sweep-staff', clientSecret: 'sweep-staff-secret' }),
  },
  [`${SETTINGS}#updateStaffConnectionAction`]: { kind: 'action', prepare: aStaffConnection, fields: () => ({ name: 'Vendor Okta (renamed)' }) },
  [`${SETTINGS}#deleteStaffConnectionAction`]: { kind: 'action', prepare: aStaffConnection, fields: () => ({}) },
  [`${SETTINGS}#setStaffSsoRequiredAction`]: {
    kind: 'action',
    prepare: async () => {
      await prisma.setting.upsert({ where: { key: 'staffSso.required' }, create: { key: 'staffSso.required', value: true }, update: { value: true } });
    },
    fields: () => ({ required: 'false' }),
  },
  [`${SETTINGS}#setBreakGlassAction`]: {
    kind: 'action',
    prepare: async (w) => {
      await prisma.user.update({ where: { id: w.staff.user.id }, data: { passwordHash: DUMMY_HASH } });
    },
    fields: (w) => ({ email: w.staff.user.email }),
  },
  [`${SETTINGS}#setStaffGroupRoleAction`]: { kind: 'action', fields: () => ({ groupName: `sweep-${uniqueSlug('g')}`, staffRole: 'staff-support' }) },
  [`${SETTINGS}#removeStaffGroupRoleAction`]: {
    kind: 'action',
    prepare: async () => {
      staffGroupRoleId = (await prisma.staffSsoGroupRole.create({ data: { groupName: `sweep-${uniqueSlug('g')}`, staffRole: 'staff-billing' } })).id;
    },
    fields: () => ({ id: staffGroupRoleId! }),
  },
  // audit and SIEM
  'app/(admin)/admin/audit/export/route.ts#GET': { kind: 'route', request: () => ({ path: '/admin/audit/export?format=jsonl', params: {} }) },
  'app/(admin)/admin/audit/siem/actions.ts#staffRedeliverAction': { kind: 'action', fields: (w) => ({ slug: w.org.slug, destinationId: w.destination.id }) },
  // SSO: a staff-only action outside the dashboard
  'lib/identity/sso/actions.ts#approveDomainAction': { kind: 'action', fields: (w) => ({ orgId: w.org.id, id: w.domain.id }) },
};

let staffOidcIdp: Awaited<ReturnType<typeof startPyjwtOidcIdp>> | null = null;
let staffGroupRoleId: string | null = null;

/** The staff connection is vendor-wide and single: cases that add one start without it. */
async function noStaffConnection() {
  await prisma.staffSsoConnection.deleteMany();
}

async function aStaffConnection(w: World) {
  await noStaffConnection();
  await createStaffSamlConnection(w.staff.actor, { name: 'Vendor Okta', metadataXml: handWrittenIdp({ ssoRedirect: 'https://idp.vendor.example/sso' }).metadata });
}

// ── calling an entry point ─────────────────────────────────────────────────
type Outcome = { ok: true } | { ok: false; status: number; error: string };

const root = path.resolve(import.meta.dirname, '../..');
const entryPoints = discoverEntryPoints(root).entryPoints.filter((entry) => entry.staffOnly);

let calls = 0;
async function invoke(spec: Case, fn: unknown, userId: string | null, w: World, replace?: Map<string, string>): Promise<Outcome> {
  calls++;
  const swap = (value: string) => replace?.get(value) ?? [...(replace ?? [])].reduce((text, [from, to]) => text.replaceAll(from, to), value);
  return asUser(userId, async () => {
    if (spec.kind === 'route') {
      const target = spec.request(w);
      const params = Object.fromEntries(Object.entries(target.params).map(([key, value]) => [key, swap(value)]));
      const response = await (fn as (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>)(
        new Request(`http://portal.test${swap(target.path)}`),
        { params: Promise.resolve(params) },
      );
      return response.ok ? { ok: true } : { ok: false, status: response.status, error: (await response.text()).slice(0, 200) };
    }
    const fields = Object.fromEntries(Object.entries(spec.fields(w)).map(([key, value]) => [key, Array.isArray(value) ? value.map(swap) : swap(value)]));
    try {
      const result = spec.call ? await spec.call(fn, fields) : await (fn as ActionFn)(null, toFormData(fields));
      return result.ok ? { ok: true } : { ok: false, status: result.status ?? 0, error: result.error };
    } catch (error) {
      if (redirectTarget(error) !== null) return { ok: true };
      throw error;
    }
  });
}

/**
 * Everything stored, as a digest: every row of every table in the schema
 * (found in the catalog, so new tables are included). The database is this
 * file's own, so nothing else writes to it while the sweep runs.
 */
async function databaseDigest(): Promise<string> {
  const tables = await prisma.$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`;
  const hash = createHash('sha256');
  for (const { table_name } of tables) {
    if (!/^[a-z_]+$/.test(table_name)) continue;
    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table_name}"`);
    const lines = rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).sort();
    hash.update(`${table_name}\n${lines.join('\n')}\n`);
  }
  return hash.digest('hex');
}

// ── the sweep ──────────────────────────────────────────────────────────────
let scratch: ScratchDatabase;
let baseUrl: string | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase();
  baseUrl = process.env.DATABASE_URL;
  await disconnectPrisma();
  process.env.DATABASE_URL = scratch.url;
  // Invitations mail their link: kept in memory here (the invitation tests use a real SMTP server).
  setMailTransport(memoryTransport());
});
afterAll(async () => {
  setMailTransport(undefined);
  await staffOidcIdp?.close();
  await closeJackson();
  await disconnectPrisma();
  process.env.DATABASE_URL = baseUrl;
  await scratch?.drop();
  console.log(`admin access sweep: ${entryPoints.length} staff-only entry points swept with ${calls} calls`);
});

const STAFF_ONLY = [403];

describe('admin access sweep', () => {
  it('has a case for every staff-only server action and route handler, and no stale cases', () => {
    const found = entryPoints.map((entry) => entry.id);
    const missing = found.filter((id) => !Object.hasOwn(CASES, id));
    const stale = Object.keys(CASES).filter((id) => !found.includes(id));
    expect(missing, `Staff-only entry points without a case: add them to CASES in ${path.relative(root, import.meta.filename)}`).toEqual([]);
    expect(stale, 'Cases for entry points that no longer exist (or are no longer staff-only)').toEqual([]);
    expect(found.length).toBeGreaterThan(30);
  });

  for (const entry of entryPoints) {
    const spec = CASES[entry.id];
    if (!spec) continue;
    it(entry.id, async () => {
      const fn = await loadEntryPoint(root, entry);
      expect(typeof fn).toBe('function');
      const w = await createCustomerWorld();
      if (spec.kind === 'action' && spec.prepare) await spec.prepare(w);
      const before = await databaseDigest();

      const unknown = new Map(customerIds(w).map((id) => [id, id === w.org.slug ? uniqueSlug('no-such') : randomUUID()]));
      const customers = [
        { who: "the customer's owner", userId: w.owner.user.id },
        { who: 'a custom role holding every org permission', userId: w.allPermissions.user.id },
        { who: "another org's owner", userId: w.otherOwner.user.id },
      ];
      const answers: string[] = [];
      for (const { who, userId } of customers) {
        const outcome = await invoke(spec, fn, userId, w);
        expect(outcome.ok, `${who} should be refused, but succeeded`).toBe(false);
        if (!outcome.ok) {
          expect(STAFF_ONLY, `${who} answered ${outcome.status} (${outcome.error})`).toContain(outcome.status);
          answers.push(`${outcome.status} ${outcome.error}`);
        }
      }
      const probe = await invoke(spec, fn, w.otherOwner.user.id, w, unknown);
      expect(probe.ok, 'a customer naming ids that do not exist should be refused').toBe(false);
      if (!probe.ok) answers.push(`${probe.status} ${probe.error}`);
      expect(new Set(answers).size, `every customer gets the same answer, whatever the ids name: ${JSON.stringify(answers)}`).toBe(1);
      // A staff-admin signed in with a password but without MFA is refused as well, before anything is read.
      const noMfa = await invoke(spec, fn, w.unenrolled.user.id, w);
      expect(noMfa, 'a staff-admin without MFA should be refused').toMatchObject({ ok: false, status: 403 });
      if (!noMfa.ok) expect(noMfa.error).toMatch(/two-factor authentication/);
      const signedOut = await invoke(spec, fn, null, w);
      expect(signedOut, 'a signed-out caller').toMatchObject({ ok: false, status: 401 });
      expect(await databaseDigest(), 'a refused call changed the database').toBe(before);

      const control = await invoke(spec, fn, w.staff.user.id, w);
      expect(control, 'the control call (a staff-admin) should succeed').toMatchObject({ ok: true });
      if (!spec.readOnly) expect(await databaseDigest(), 'the control call should change the database (it is audited)').not.toBe(before);
    });
  }
});
