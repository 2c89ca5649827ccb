import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as accountExport } from '@/app/(account)/account/export/route';
import { GET as portalAuditExport } from '@/app/(portal)/portal/[org]/audit/export/route';
import { GET as portalInstallDownload } from '@/app/(portal)/portal/[org]/install/download/route';
import { GET as portalLicenseDownload } from '@/app/(portal)/portal/[org]/licenses/[licenseId]/download/route';
import { GET as apiEntitlements } from '@/app/api/v1/entitlements/route';
import { GET as apiJwks } from '@/app/api/v1/licenses/jwks/route';
import { GET as apiRevocations } from '@/app/api/v1/licenses/revocations/route';
import { GET as apiRbac } from '@/app/api/v1/settings/rbac/route';
import { staffOnlyOrganizationFields } from '@/lib/identity/audit/customer-view';
import { openAuditExport } from '@/lib/identity/audit/export-service';
import { listAuditEvents } from '@/lib/identity/audit/list';
import { recordAudit } from '@/lib/identity/audit/record';
import { systemActor } from '@/lib/identity/auth/actor';
import { canChangePassword } from '@/lib/identity/auth/passwords';
import { requirePortalPage } from '@/lib/identity/auth/session';
import { listSessions, startSession } from '@/lib/identity/auth/sessions';
import { setManualTier } from '@/lib/product/billing/staff';
import { getOrgBilling } from '@/lib/product/billing/overview';
import { getCustomer, updateCustomer } from '@/lib/product/customers/customers';
import { Prisma, prisma } from '@/lib/platform/db/client';
import { getFeatureDecision, getFeatureDecisions } from '@/lib/plans/license';
import { setFeatureOverride } from '@/lib/product/features/flags';
import { downgradeEffects } from '@/lib/plans/portal-gate';
import { getQuotaStatus } from '@/lib/plans/quotas';
import { salesContact } from '@/lib/plans/sales';
import { instructionSettings } from '@/lib/product/instructions/templates';
import { getInstructions } from '@/lib/product/instructions/instructions';
import { orgLicenseSummary } from '@/lib/product/licensing/expiry';
import { issueLicense } from '@/lib/product/licensing/issue';
import { getLicense, licenseToken, listLicenses } from '@/lib/product/licensing/read';
import { createInvitation, listInvitations, previewInvitation } from '@/lib/identity/members/invitations';
import { listMembers } from '@/lib/identity/members/members';
import { seatStatus } from '@/lib/identity/members/seats';
import { portalOverview } from '@/lib/product/portal/overview';
import { granterOf, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { mintToken, listTokens } from '@/lib/product/registry/tokens';
import { assignableRoles, listRoles } from '@/lib/identity/roles/roles';
import { deliveryBody } from '@/lib/product/siem/delivery';
import { createSiemDestination, listSiemDeliveries, listSiemDestinations } from '@/lib/product/siem/destinations';
import { loadSsoSettings } from '@/lib/identity/sso/settings';
import { getPullStats } from '@/lib/product/stats/pull-stats';
import { listTeams } from '@/lib/identity/teams/teams';
import { createMember, createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { discoverCustomerReads } from './discover';
import { asUser } from './harness';

/**
 * Staff-only fields sweep. A customer is seeded with every staff-only value
 * there is: each organization column that lib/identity/audit/customer-view.ts does
 * not list as customer-visible (found from the schema, so a new column is
 * covered) gets a marker, staff set a manual tier and a feature override
 * with marked reasons, and events are recorded the way older code recorded
 * them (the whole organization row, the manual reason in a tier change).
 * Then every read a customer-facing page, route or API makes (found by
 * following the portal's imports: a page that starts calling a new service
 * fails here until it has a read below) runs as the customer's owner, and
 * no marker and no staff-only field name may appear in what comes back.
 * The same reads by staff must show the markers, proving they were seeded.
 */

// ── the request context: the real session code, over a mocked next-auth ────
vi.mock('@/lib/identity/auth/config', async () => (await import('./harness')).mockedAuthConfig());
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'user-agent': 'customer-visible-sweep', 'x-forwarded-for': '198.51.100.11' }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false }),
}));
vi.mock('next/cache', () => ({ refresh: () => {}, revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {} }));

// ── the customer, with every staff-only value set ──────────────────────────
const run = randomUUID().slice(0, 8);
const marker = (what: string) => `staff-only-${what}-${run}`;
const MANUAL_REASON = marker('manual-tier-reason');
const OVERRIDE_REASON = marker('override-reason');

const ORG_FIELDS = Object.values(Prisma.OrganizationScalarFieldEnum) as string[];
const STAFF_ONLY_ORG_FIELDS = staffOnlyOrganizationFields(ORG_FIELDS);
const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

async function seedCustomer() {
  const staff = await createStaff('staff-admin');
  const org = await createOrg({ tier: 'team', name: `Visible ${uniqueSlug('v')}` });
  const owner = await createMember(org.id, 'owner');
  const viewer = await createMember(org.id, 'viewer');
  const team = await prisma.team.create({ data: { orgId: org.id, name: 'Platform' } });
  await prisma.teamMember.create({ data: { teamId: team.id, membershipId: viewer.membership.id } });
  await prisma.role.create({ data: { orgId: org.id, name: 'Auditors', permissions: ['org.view', 'audit.view'] } });
  const repository = await prisma.repository.create({ data: { name: `sweep/${uniqueSlug('repo')}`, upstreamUrl: 'https://registry.example.test', upstreamRepository: 'vendor/product' } });
  await prisma.repositoryGrant.create({ data: { orgId: org.id, repositoryId: repository.id } });
  await mintToken(staff.actor, { orgId: org.id, name: 'production', repositoryIds: [repository.id] });
  await issueLicense(staff.actor, { orgId: org.id });
  const invitation = await createInvitation(owner.actor, { orgId: org.id, email: `${uniqueSlug('invitee')}@example.test`, role: 'viewer' });

  // Through the services staff use: notes, a manual tier (re-issuing the license), an override.
  await updateCustomer(staff.actor, org.id, { notes: marker('notes') });
  await setManualTier(staff.actor, { orgId: org.id, tier: 'enterprise', reason: MANUAL_REASON });
  await setFeatureOverride(staff.actor, { orgId: org.id, featureKey: 'webhooks', enabled: true, reason: OVERRIDE_REASON });
  // As older code recorded events: the whole row, and the manual reason quoted downstream.
  const row = await prisma.organization.findUniqueOrThrow({ where: { id: org.id } });
  await recordAudit(prisma, staff.actor, { action: 'customer.create', target: { type: 'organization', id: org.id }, orgId: org.id, after: row });
  await recordAudit(prisma, systemActor('billing'), {
    action: 'billing.tier_change',
    target: { type: 'organization', id: org.id },
    orgId: org.id,
    before: { tier: 'team' },
    after: { tier: 'enterprise' },
    metadata: { reason: `manual: ${MANUAL_REASON}` },
  });
  await recordAudit(prisma, systemActor('billing'), {
    action: 'license.reissue',
    target: { type: 'license', id: 'older' },
    orgId: org.id,
    metadata: { replaces: 'older', reason: `Tier team → enterprise: manual: ${MANUAL_REASON}` },
  });
  await recordAudit(prisma, systemActor('billing'), {
    action: 'billing.subscription_update',
    target: { type: 'subscription', id: 'sub_older' },
    orgId: org.id,
    metadata: { changed: ['status'], manualTierKept: 'enterprise', subscriptionTier: 'team' },
  });
  // Every staff-only text column, whatever it is called, holds a marker.
  const columns = await prisma.$queryRaw<{ column_name: string; data_type: string }[]>`
    SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'organizations'`;
  for (const field of STAFF_ONLY_ORG_FIELDS) {
    const column = columns.find((c) => c.column_name === snake(field));
    if (column && /^(text|character varying)$/.test(column.data_type)) {
      await prisma.$executeRawUnsafe(`UPDATE organizations SET "${column.column_name}" = $1 WHERE id = $2`, marker(field), org.id);
    }
  }
  const { destination } = await createSiemDestination(staff.actor, org.slug, { url: 'https://siem.example.test/hook' });
  await prisma.siemDelivery.create({ data: { destinationId: destination.id, auditEventId: destination.cursor, status: 'dead', attempts: 10, lastError: 'HTTP 500' } });
  const license = await prisma.licenseKey.findFirstOrThrow({ where: { orgId: org.id, revokedAt: null }, orderBy: { issuedAt: 'desc' } });
  return { staff, org, owner, repository, license, invitationToken: invitation.link.split('/invite/')[1]! };
}
type Customer = Awaited<ReturnType<typeof seedCustomer>>;

// ── what customers read ────────────────────────────────────────────────────
const page = { sort: 'occurredAt' as const, dir: 'desc' as const, take: 500 };
const params = <T extends Record<string, string>>(value: T) => ({ params: Promise.resolve(value) });
const formats = ['csv', 'json', 'jsonl'] as const;

async function text(response: Response): Promise<string> {
  expect(response.status, `${response.url} answered ${response.status}`).toBeLessThan(400);
  return `${response.headers.get('content-disposition') ?? ''}\n${await response.text()}`;
}

/** A JWT's claims, readable: license files and the revocation list are checked for what they carry. */
function withClaims(jwt: string): string {
  const [, payload] = jwt.trim().split('.');
  return `${jwt}\n${Buffer.from(payload ?? '', 'base64url').toString('utf8')}`;
}

/** Each library read a customer-facing page, route or API makes, done the way it does, as the customer. */
const READS: Record<string, (c: Customer) => Promise<unknown>> = {
  // /account: the person's own account, their data download included.
  '@/lib/identity/accounts/export#exportOwnData': (c) => asUser(c.owner.user.id, async () => text(await accountExport())),
  '@/lib/identity/auth/passwords#canChangePassword': (c) => canChangePassword(c.owner.actor).then((has) => ({ has })),
  '@/lib/identity/auth/sessions#listSessions': async (c) => {
    await prisma.$transaction((tx) => startSession(tx, c.owner.actor, { authMethod: 'password' }));
    return listSessions(c.owner.actor);
  },
  '@/lib/identity/auth/session#requirePortalPage': (c) => asUser(c.owner.user.id, () => requirePortalPage(c.org.slug, 'org.view')),
  '@/lib/product/portal/overview#portalOverview': (c) => portalOverview(c.owner.actor, c.org.id),
  '@/lib/identity/audit/list#listAuditEvents': (c) => listAuditEvents(c.owner.actor, { kind: 'org', slug: c.org.slug }, {}, page),
  '@/lib/identity/audit/export-response#auditExportResponse': async (c) => {
    const out = [];
    for (const format of formats) {
      out.push(await asUser(c.owner.user.id, async () => text(await portalAuditExport(new Request(`http://portal.test/portal/${c.org.slug}/audit/export?format=${format}`), params({ org: c.org.slug })))));
    }
    return out;
  },
  '@/lib/product/billing/overview#getOrgBilling': (c) => getOrgBilling(c.owner.actor, c.org.slug),
  '@/lib/plans/license#getFeatureDecision': (c) => getFeatureDecision(prisma, c.org.id, 'audit_streaming'),
  '@/lib/plans/license#getFeatureDecisions': (c) => getFeatureDecisions(prisma, c.org.id),
  '@/lib/plans/quotas#getQuotaStatus': (c) => getQuotaStatus(prisma, c.org.id),
  // Long after the license expired: the custom role is frozen, so there is a notice to read.
  '@/lib/plans/portal-gate#downgradeEffects': (c) => downgradeEffects(prisma, c.org.id, ['sso', 'rbac', 'audit_streaming'], new Date('2100-01-01T00:00:00Z')),
  '@/lib/plans/sales#salesContact': () => salesContact(prisma),
  '@/lib/product/instructions/templates#instructionSettings': () => instructionSettings(prisma),
  '@/lib/product/instructions/instructions#getInstructions': (c) => getInstructions(c.owner.actor, c.org.id),
  '@/lib/product/instructions/instructions#deliverInstructions': (c) =>
    asUser(c.owner.user.id, async () => text(await portalInstallDownload(new Request(`http://portal.test/portal/${c.org.slug}/install/download`), params({ org: c.org.slug })))),
  '@/lib/product/licensing/expiry#orgLicenseSummary': (c) => orgLicenseSummary(c.owner.actor, c.org.id),
  '@/lib/product/licensing/read#listLicenses': (c) => listLicenses(c.owner.actor, { orgId: c.org.id }),
  '@/lib/product/licensing/read#getLicense': (c) => getLicense(c.owner.actor, c.license.id),
  '@/lib/product/licensing/read#licenseToken': (c) =>
    asUser(c.owner.user.id, async () =>
      withClaims(
        (await text(await portalLicenseDownload(new Request(`http://portal.test/portal/${c.org.slug}/licenses/${c.license.id}/download`), params({ org: c.org.slug, licenseId: c.license.id })))).split('\n')[1]!,
      ),
    ),
  '@/lib/product/licensing/online#entitlementsResponse': async (c) => text(await apiEntitlements(new Request('http://portal.test/api/v1/entitlements', { headers: { authorization: `Bearer ${await licenseJwt(c)}` } }))),
  '@/lib/product/licensing/online#rbacSettingsResponse': async (c) => {
    const response = await apiRbac(new Request('http://portal.test/api/v1/settings/rbac', { headers: { authorization: `Bearer ${await licenseJwt(c)}` } }));
    // 404 is its answer for a license without the feature; the body is what the customer sees either way.
    return `${response.status}\n${await response.text()}`;
  },
  '@/lib/product/licensing/revocations#signedRevocationList': async () => withClaims(await text(await apiRevocations(new Request('http://portal.test/api/v1/licenses/revocations')))),
  '@/lib/product/licensing/signing-keys#publishedJwks': async () => text(await apiJwks()),
  '@/lib/identity/members/invitations#listInvitations': (c) => listInvitations(c.owner.actor, c.org.id),
  '@/lib/identity/members/invitations#previewInvitation': (c) => previewInvitation(c.invitationToken),
  '@/lib/identity/members/members#listMembers': (c) => listMembers(c.owner.actor, c.org.id, { q: '', sort: null, dir: 'asc', skip: 0, take: 50 }),
  '@/lib/identity/members/seats#seatStatus': (c) => seatStatus(prisma, c.org.id),
  '@/lib/product/registry/tokens#listTokens': (c) => listTokens(c.owner.actor, c.org.id),
  '@/lib/identity/roles/roles#listRoles': (c) => listRoles(c.owner.actor, c.org.id),
  '@/lib/identity/roles/roles#assignableRoles': async (c) => assignableRoles(prisma, c.org.id, granterOf(await authorizeOrg(prisma, c.owner.actor, { id: c.org.id }, { org: 'members.manage' }))),
  '@/lib/product/siem/destinations#listSiemDestinations': (c) => listSiemDestinations(c.owner.actor, c.org.slug),
  '@/lib/product/siem/destinations#listSiemDeliveries': (c) => listSiemDeliveries(c.owner.actor, c.org.slug),
  '@/lib/identity/sso/settings#loadSsoSettings': (c) => loadSsoSettings(c.owner.actor, c.org.id),
  '@/lib/product/stats/pull-stats#getPullStats': (c) => getPullStats(c.owner.actor, { orgId: c.org.id }),
  '@/lib/identity/teams/teams#listTeams': (c) => listTeams(c.owner.actor, c.org.id),
};

/** Not reads of stored data (formatting, parsing, labels, plumbing), or read elsewhere; each with why. */
const NOT_READS: Record<string, string> = {
  '@/lib/identity/audit/labels': 'readable names of audit action codes: constants, no stored data',
  '@/lib/plans/catalog#featureLabel': 'the feature catalog\'s labels: constants, no stored data',
  '@/lib/identity/audit/filters': 'parses the filter form',
  '@/lib/identity/audit/list#AUDIT_SORTABLE': 'a constant',
  '@/lib/identity/auth/session#actorFor': 'builds the actor; the export route is read above',
  '@/lib/identity/auth/session#currentActor': 'the signed-in actor (used by every read above)',
  '@/lib/identity/auth/session#getSessionUser': "the signed-in user's own session (used by the routes read above)",
  '@/lib/product/billing/actions': 'server actions: the tenant sweep calls them',
  '@/lib/product/billing/checkout#oneClickCheckout': 'a yes/no about the viewer\'s own org (plan, contract, subscription), nothing stored is shown',
  '@/lib/product/billing/money': 'formatting',
  '@/lib/identity/auth/mfa#mfaStatus': "the signed-in person's own second-factor state (on or off, codes left): no organization data",
  '@/lib/product/licensing/product-env#licenseEnvVar': 'a configuration value (the variable the product reads)',
  '@/lib/plans/sales#salesHref': 'builds a link',
  '@/lib/plans/sales-href': 'builds a link',
  '@/lib/product/billing/plans': 'tier labels and order',
  '@/lib/platform/config/public-url': 'the public URL',
  '@/lib/platform/db/client#prisma': 'the team pages count rows and list member emails; the install download finds the org id',
  '@/lib/identity/auth/password-policy#PASSWORD_MIN_LENGTH': 'a constant',
  '@/lib/platform/errors': 'error classes',
  '@/lib/platform/problem': 'error responses (problem+json)',
  '@/lib/identity/rbac/authorize#granterOf': "the viewer's own role, for the grant rules",
  '@/lib/identity/members/invitations#INVITATION_CODE_MINUTES': 'a constant',
  '@/lib/plans/decide': 'explains a decision read above',
  '@/lib/plans/tiers': 'tier labels and limits',
  '@/lib/platform/format': 'formatting',
  '@/lib/product/instructions/markdown-response': 'wraps instructions read above in a response',
  '@/lib/product/licensing/status': 'status labels',
  '@/lib/identity/members/members#MEMBER_SORTS': 'a constant',
  '@/lib/identity/rbac/grants': 'pure grant rules',
  '@/lib/identity/rbac/permissions': 'permission labels',
  '@/lib/product/registry/tokens#tokenStatus': 'a status from dates',
  '@/lib/identity/roles/roles#permissionGroups': 'permission labels',
  '@/lib/identity/sso/actions': 'server actions: the tenant and admin sweeps call them',
  '@/lib/product/stats/query-params': 'parses the filter form',
  '@/lib/platform/table/query': 'parses table state from the URL',
  '@/lib/platform/table/keyset': 'parses the paging cursors from the URL (a cursor is only a position: the read above applies scope and filters)',
};

let licenseJwtCache: string | null = null;
async function licenseJwt(c: Customer): Promise<string> {
  licenseJwtCache ??= (await licenseToken(c.staff.actor, c.license.id)).token;
  return licenseJwtCache;
}

function serialize(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item instanceof Map ? Object.fromEntries(item) : item)) ?? '';
}

/** Staff-only values in `text`: a marker, or a staff-only organization field used as a key (JSON, or JSON inside CSV). */
function staffOnlyIn(text: string): string[] {
  const found = [...text.matchAll(new RegExp(`staff-only-[a-z-]+-${run}`, 'g'))].map((match) => match[0]);
  const unquoted = text.replaceAll('""', '"').replaceAll('\\"', '"');
  for (const field of STAFF_ONLY_ORG_FIELDS) {
    for (const name of new Set([field, snake(field)])) if (new RegExp(`"${name}"\\s*:`).test(unquoted)) found.push(`the key "${name}"`);
  }
  return [...new Set(found)];
}

// ── the sweep ──────────────────────────────────────────────────────────────
const root = path.resolve(import.meta.dirname, '../..');
let customer: Customer;
beforeAll(async () => {
  customer = await seedCustomer();
});
afterAll(() => {
  console.log(`staff-only fields sweep: ${Object.keys(READS).length} customer reads, ${STAFF_ONLY_ORG_FIELDS.length} staff-only organization fields (${STAFF_ONLY_ORG_FIELDS.join(', ')})`);
});

describe('staff-only fields sweep', () => {
  it('has a read for everything customer-facing pages, routes and APIs call, and no stale ones', () => {
    const found = discoverCustomerReads(root);
    const classified = (key: string) => Object.hasOwn(READS, key) || Object.hasOwn(NOT_READS, key) || Object.hasOwn(NOT_READS, key.split('#')[0]!);
    const missing = [...found].filter(([key]) => !classified(key)).map(([key, file]) => `${key} (${file})`);
    expect(missing, `Customer-facing code reads these: add each to READS (or NOT_READS, with why) in ${path.relative(root, import.meta.filename)}`).toEqual([]);
    const stale = [...Object.keys(READS), ...Object.keys(NOT_READS)].filter((key) => ![...found.keys()].some((k) => k === key || k.startsWith(`${key}#`)));
    expect(stale, 'Reads no customer-facing code makes any more').toEqual([]);
  });

  it('seeds what staff keep: staff see every marker', async () => {
    expect(STAFF_ONLY_ORG_FIELDS).toEqual(expect.arrayContaining(['notes', 'manualTier']));
    const seen = serialize(await getCustomer(customer.staff.actor, customer.org.slug));
    expect(seen).toContain(marker('notes'));
    expect(seen).toContain(marker('manualTier'));
    let exported = '';
    for await (const chunk of (await openAuditExport(customer.staff.actor, { kind: 'org', slug: customer.org.slug }, {}, 'jsonl')).chunks) exported += chunk;
    for (const value of [marker('notes'), MANUAL_REASON, OVERRIDE_REASON]) expect(exported).toContain(value);
    expect(staffOnlyIn(exported)).toEqual(expect.arrayContaining([marker('notes'), MANUAL_REASON, OVERRIDE_REASON, 'the key "notes"', 'the key "manualTier"']));
  });

  for (const [key, read] of Object.entries(READS)) {
    it(`${key} shows the customer nothing staff-only`, async () => {
      const value = await read(customer);
      const shown = typeof value === 'string' ? value : serialize(value);
      expect(shown.length, 'the read returned something').toBeGreaterThan(2);
      expect(staffOnlyIn(shown)).toEqual([]);
    });
  }

  it("the SIEM stream carries nothing staff-only, for every event of the customer's organization", async () => {
    const events = await prisma.auditEvent.findMany({ where: { orgId: customer.org.id } });
    expect(events.map((event) => event.action)).toEqual(expect.arrayContaining(['customer.update', 'customer.create', 'billing.manual_tier_set', 'billing.tier_change', 'feature_override.set']));
    const bodies = events.map((event) => deliveryBody(randomUUID(), event)).join('\n');
    expect(staffOnlyIn(bodies)).toEqual([]);
  });
});
