import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ActionResult } from '@/lib/platform/action-result';
import { ssoRequiredFor } from '@/lib/identity/auth/sign-in';
import { listAuditEvents } from '@/lib/identity/audit/list';
import { prisma } from '@/lib/platform/db/client';
import { FEATURES, PORTAL_FEATURES, type KnownFeature } from '@/lib/plans/catalog';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { TIER_KEYS, tierIncludes, type Tier } from '@/lib/plans/tiers';
import { enqueueSiemDeliveries } from '@/lib/product/siem/delivery';
import { ssoOptionsForEmail } from '@/lib/identity/sso/discovery';
import { startSso } from '@/lib/identity/sso/flow';
import { createMember } from '@/dev/testing/factories';
import { discoverEntryPoints } from './discover';
import { asUser, loadEntryPoint, redirectTarget, toFormData, type Fields } from './harness';
import { createWorld, orgDigest, type World, type WorldExtra } from './world';

/**
 * Catalog sweep: the catalog (lib/plans/catalog.ts) says which features
 * Portcullis enforces itself (kind `portal`). For every such feature above
 * Community this file must hold a case, and every entry point in the
 * feature's area (found by reading the source, like the tenant-isolation
 * sweep) must be listed in it: called by the org's owner on each tier
 * below the feature's, it is refused with 403 and the plan's reason and
 * changes nothing; the same call on the feature's tier succeeds. Entry
 * points that clean up (remove a kept-but-inactive connection, delete an
 * unused frozen role) are listed as `cleanup` and must succeed below the
 * tier. Services that are not entry points (SSO sign-in, viewing the audit
 * log, streaming delivery) are checked as `effects`. A new portal feature, or
 * a new action or route in a gated area, without a case fails the sweep.
 */

vi.mock('@/lib/identity/auth/config', async () => (await import('./harness')).mockedAuthConfig());
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'user-agent': 'catalog-sweep', 'x-forwarded-for': '198.51.100.11' }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false }),
}));
vi.mock('next/cache', () => ({ refresh: () => {}, revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {} }));

type GateWorld = World & { destinationId: string; verifiedDomain: string };

interface GatedAction {
  kind: 'gated';
  fields: (w: GateWorld) => Fields;
  /** Why the success on the feature's tier cannot be called here (the refusal is still checked). */
  noControl?: string;
}
interface GatedRoute {
  kind: 'route';
  path: (w: GateWorld) => { path: string; params: Record<string, string> };
}
interface Cleanup {
  kind: 'cleanup';
  reason: string;
  fields: (w: GateWorld) => Fields;
}
type EntryCase = GatedAction | GatedRoute | Cleanup;

interface FeatureCase {
  /** Folders or files whose every (non-staff) entry point belongs to the feature. */
  areas: string[];
  needs?: WorldExtra[];
  entryPoints: Record<string, EntryCase>;
  /** Services behind the feature that are not entry points: `below` runs on a lower tier, `at` on the feature's tier. */
  effects?: { name: string; below: (w: GateWorld) => Promise<void>; at: (w: GateWorld) => Promise<void> }[];
}

const SSO = 'lib/identity/sso/actions.ts';
const ROLES = 'app/(portal)/portal/[org]/team/roles/actions.ts';
const TEAM = 'app/(portal)/portal/[org]/team/actions.ts';
const AUDIT = 'app/(portal)/portal/[org]/audit';

const CASES: Partial<Record<KnownFeature, FeatureCase>> = {
  sso: {
    areas: [SSO],
    needs: ['sso'],
    entryPoints: {
      [`${SSO}#createSamlConnectionAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, name: 'Second IdP', metadataXml: w.sso!.spareMetadata }) },
      [`${SSO}#createOidcConnectionAction`]: {
        kind: 'gated',
        fields: (w) => ({ orgId: w.org.id, name: 'OIDC', discoveryUrl: 'http://localhost:9/.well-known/openid-configuration', clientId: 'portcullis', clientSecret: 'secret' }),
        noControl: 'needs a running OIDC provider; lib/identity/sso/sso.db.test.ts creates OIDC connections against one',
      },
      [`${SSO}#updateConnectionAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, id: w.sso!.connectionId, name: 'Renamed IdP' }) },
      [`${SSO}#deleteConnectionAction`]: { kind: 'cleanup', reason: 'a kept-but-inactive connection can be removed', fields: (w) => ({ orgId: w.org.id, id: w.sso!.connectionId }) },
      [`${SSO}#addDomainAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, domain: w.sso!.spareDomain }) },
      [`${SSO}#verifyDomainAction`]: {
        kind: 'gated',
        fields: (w) => ({ orgId: w.org.id, id: w.sso!.domainId }),
        noControl: 'needs a DNS server answering the TXT record; lib/identity/sso/sso.db.test.ts runs one',
      },
      [`${SSO}#removeDomainAction`]: { kind: 'cleanup', reason: 'a domain of an inactive connection can be removed', fields: (w) => ({ orgId: w.org.id, id: w.sso!.domainId }) },
      [`${SSO}#updatePolicyAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, defaultRole: 'editor' }) },
      [`${SSO}#setGroupRoleAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, groupName: 'qa', role: 'viewer' }) },
      [`${SSO}#removeGroupRoleAction`]: { kind: 'cleanup', reason: 'a mapping of an inactive connection can be removed', fields: (w) => ({ orgId: w.org.id, id: w.sso!.groupRoleId }) },
    },
    effects: [
      {
        name: 'connections are inactive: no SSO sign-in, no SSO options, "SSO required" not enforced',
        below: async (w) => {
          await expect(startSso({ connectionId: w.sso!.connectionId })).rejects.toMatchObject({ reason: 'sso_not_in_plan' });
          expect(await ssoOptionsForEmail(`someone@${w.verifiedDomain}`)).toBeNull();
          expect(await ssoRequiredFor(`someone@${w.verifiedDomain}`)).toBe(false);
        },
        at: async (w) => {
          expect(await ssoOptionsForEmail(`someone@${w.verifiedDomain}`)).not.toBeNull();
          expect(await ssoRequiredFor(`someone@${w.verifiedDomain}`)).toBe(true);
        },
      },
    ],
  },
  rbac: {
    areas: [ROLES],
    entryPoints: {
      [`${ROLES}#createRoleAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, name: 'Sweep QA', permissions: ['instructions.view', 'licenses.view'] }) },
      [`${ROLES}#updateRoleAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, roleId: w.role.id, name: 'Sweep QA 2', permissions: ['pulls.view'] }) },
      [`${ROLES}#deleteRoleAction`]: { kind: 'cleanup', reason: 'a frozen role nobody holds can be deleted', fields: (w) => ({ orgId: w.org.id, roleId: w.role.id }) },
      // Assigning a custom role (outside the roles area, but part of the feature).
      [`${TEAM}#changeMemberRoleAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, membershipId: w.target.membership.id, role: `custom:${w.role.id}` }) },
      [`${TEAM}#inviteMemberAction`]: { kind: 'gated', fields: (w) => ({ orgId: w.org.id, email: `gate-${w.label}@example.test`, role: `custom:${w.role.id}` }) },
    },
    effects: [
      {
        name: 'roles are frozen, not taken away: a holder keeps the permissions',
        below: async (w) => {
          const holder = await createMember(w.org.id, 'custom', w.role.id);
          const access = await authorizeOrg(prisma, holder.actor, { id: w.org.id }, { org: 'licenses.view' });
          expect(access.permissions).toContain('licenses.view');
        },
        at: async () => {},
      },
    ],
  },
  audit_log: {
    areas: [`${AUDIT}/export/route.ts`],
    entryPoints: {
      [`${AUDIT}/export/route.ts#GET`]: { kind: 'route', path: (w) => ({ path: `/portal/${w.org.slug}/audit/export?format=json`, params: { org: w.org.slug } }) },
    },
    effects: [
      {
        name: 'the audit log is not shown (events are still recorded)',
        below: async (w) => {
          await expect(listAuditEvents(w.owner.actor, { kind: 'org', slug: w.org.slug }, {}, { take: 10, sort: 'occurredAt', dir: 'desc' })).rejects.toMatchObject({ status: 403 });
        },
        at: async (w) => {
          const page = await listAuditEvents(w.owner.actor, { kind: 'org', slug: w.org.slug }, {}, { take: 10, sort: 'occurredAt', dir: 'desc' });
          expect(page.rows.length).toBeGreaterThan(0);
        },
      },
    ],
  },
  audit_streaming: {
    areas: [`${AUDIT}/actions.ts`],
    entryPoints: {
      [`${AUDIT}/actions.ts#createDestinationAction`]: { kind: 'gated', fields: (w) => ({ slug: w.org.slug, url: 'https://8.8.8.8/hook' }) },
      [`${AUDIT}/actions.ts#updateDestinationAction`]: { kind: 'gated', fields: (w) => ({ slug: w.org.slug, id: w.destinationId, enabled: 'false' }) },
      [`${AUDIT}/actions.ts#redeliverAction`]: { kind: 'gated', fields: (w) => ({ slug: w.org.slug, destinationId: w.destinationId }), noControl: 'nothing is dead to redeliver here; lib/product/siem/delivery.db.test.ts redelivers' },
      [`${AUDIT}/actions.ts#deleteDestinationAction`]: { kind: 'cleanup', reason: 'a paused destination can be removed', fields: (w) => ({ slug: w.org.slug, id: w.destinationId }) },
    },
    effects: [
      {
        name: 'destinations are paused: nothing is queued, and delivery resumes where it stopped',
        below: async (w) => {
          expect(await enqueueSiemDeliveries({ destinationIds: [w.destinationId] })).toBe(0);
        },
        at: async (w) => {
          expect(await enqueueSiemDeliveries({ destinationIds: [w.destinationId] })).toBeGreaterThan(0);
        },
      },
    ],
  },
};

// ── calling ────────────────────────────────────────────────────────────────
type Outcome = { ok: true } | { ok: false; status: number; error: string };
type ActionFn = (state: unknown, formData: FormData) => Promise<ActionResult<unknown>>;
type RouteFn = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

const root = path.resolve(import.meta.dirname, '../..');
const entryPoints = discoverEntryPoints(root).entryPoints.filter((entry) => !entry.staffOnly);
let calls = 0;

async function call(entryId: string, spec: EntryCase, world: GateWorld, userId: string): Promise<Outcome> {
  const entry = entryPoints.find((candidate) => candidate.id === entryId);
  if (!entry) throw new Error(`${entryId} is not an entry point`);
  const fn = await loadEntryPoint(root, entry);
  calls++;
  return asUser(userId, async () => {
    if (spec.kind === 'route') {
      const target = spec.path(world);
      const response = await (fn as RouteFn)(new Request(`http://portal.test${target.path}`), { params: Promise.resolve(target.params) });
      if (response.ok) await response.arrayBuffer();
      return response.ok ? { ok: true } : { ok: false, status: response.status, error: await response.text() };
    }
    try {
      const result = await (fn as ActionFn)(null, toFormData(spec.fields(world)));
      return result.ok ? { ok: true } : { ok: false, status: result.status ?? 0, error: result.error };
    } catch (error) {
      if (redirectTarget(error) !== null) return { ok: true };
      throw error;
    }
  });
}

async function setTier(world: GateWorld, tier: Tier) {
  await prisma.organization.update({ where: { id: world.org.id }, data: { tier } });
}

async function gateWorld(label: string, needs: WorldExtra[] = []): Promise<GateWorld> {
  const world = await createWorld(label, needs);
  const destination = await prisma.siemDestination.create({ data: { orgId: world.org.id, url: 'https://8.8.8.8/hook', secretEnc: 'not used: nothing is sent in this sweep', cursor: 0n } });
  let verifiedDomain = '';
  if (world.sso) {
    const domain = await prisma.orgDomain.update({ where: { id: world.sso.domainId }, data: { verifiedAt: new Date(), verifiedBy: 'catalog-sweep' } });
    verifiedDomain = domain.domain;
    await prisma.organization.update({ where: { id: world.org.id }, data: { ssoRequired: true } });
  }
  return Object.assign(world, { destinationId: destination.id, verifiedDomain });
}

const lowerTiers = (feature: KnownFeature) => TIER_KEYS.filter((tier) => !tierIncludes(tier, FEATURES[feature].minTier));

afterAll(() => console.log(`catalog sweep: ${PORTAL_FEATURES.length} portal features, ${calls} calls`));

describe('catalog sweep', () => {
  const gated = PORTAL_FEATURES.filter((feature) => FEATURES[feature].minTier !== 'community');

  it('has a case for every gated portal feature, listing every entry point of its area', () => {
    expect(gated.length).toBeGreaterThan(3);
    expect(gated.filter((feature) => !CASES[feature]), 'Gated portal features without a case: add them to CASES').toEqual([]);
    const ids = entryPoints.map((entry) => entry.id);
    for (const feature of gated) {
      const spec = CASES[feature]!;
      const inArea = ids.filter((id) => spec.areas.some((area) => id.startsWith(area)));
      expect(inArea.length, `${feature}: its areas hold no entry points`).toBeGreaterThan(0);
      expect(inArea.filter((id) => !spec.entryPoints[id]), `${feature}: entry points in its area without a case`).toEqual([]);
      expect(Object.keys(spec.entryPoints).filter((id) => !ids.includes(id)), `${feature}: cases for entry points that no longer exist`).toEqual([]);
    }
    expect(Object.keys(CASES).filter((key) => !gated.includes(key as KnownFeature)), 'cases for features that are not gated portal features').toEqual([]);
  });

  for (const feature of gated) {
    const spec = CASES[feature];
    if (!spec) continue;
    for (const [id, entry] of Object.entries(spec.entryPoints)) {
      it(`${feature}: ${id} ${entry.kind === 'cleanup' ? `is allowed below the tier (${entry.reason})` : 'refuses a lower tier'}`, async () => {
        const world = await gateWorld(`gate-${feature}`, spec.needs);
        const minTier = FEATURES[feature].minTier;
        if (entry.kind === 'cleanup') {
          await setTier(world, lowerTiers(feature)[0]!);
          const before = await orgDigest(world);
          expect(await call(id, entry, world, world.owner.user.id)).toEqual({ ok: true });
          expect(await orgDigest(world)).not.toBe(before);
          return;
        }
        for (const tier of lowerTiers(feature)) {
          await setTier(world, tier);
          const before = await orgDigest(world);
          const outcome = await call(id, entry, world, world.owner.user.id);
          expect(outcome, `${tier}: should be refused`).toMatchObject({ ok: false, status: 403 });
          if (!outcome.ok) expect(outcome.error).toContain(`${FEATURES[feature].label}`);
          expect(await orgDigest(world), `${tier}: nothing may change`).toBe(before);
        }
        await setTier(world, minTier);
        if (entry.kind === 'gated' && entry.noControl) return;
        expect(await call(id, entry, world, world.owner.user.id), `on ${minTier} the owner's call should succeed`).toEqual({ ok: true });
      });
    }
    for (const effect of spec.effects ?? []) {
      it(`${feature}: ${effect.name}`, async () => {
        const world = await gateWorld(`effect-${feature}`, spec.needs);
        for (const tier of lowerTiers(feature)) {
          await setTier(world, tier);
          await effect.below(world);
        }
        await setTier(world, FEATURES[feature].minTier);
        await effect.at(world);
      });
    }
  }
});
