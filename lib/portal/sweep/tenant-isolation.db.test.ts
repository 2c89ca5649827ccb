import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActionResult } from '@/lib/action-result';
import type { Actor } from '@/lib/auth/actor';
import { UnauthorizedError } from '@/lib/errors';
import { setMailTransport } from '@/lib/mail/send';
import { memoryTransport } from '@/lib/mail/transport';
import { BUILTIN_ROLES, ORG_PERMISSIONS, type OrgPermission } from '@/lib/rbac/permissions';
import { prisma } from '@/lib/db/client';
import { createMember } from '@/lib/testing/factories';
import { discoverEntryPoints, type EntryPoint } from './discover';
import { BUILTIN_MEMBER_KEYS, createWorld, orgDigest, type World } from './world';
import { startBillingTestEnv, type BillingTestEnv } from '@/lib/testing/stripe';

/**
 * Tenant isolation sweep. Every server action and route handler a customer
 * can reach is found by reading the source (discover.ts) and must have a
 * case below. Each case is called, against a populated victim org:
 *  - by the owner of another org, with the victim's ids → 404;
 *  - by that owner with their own org id but the victim's object ids → 404;
 *  - by a victim member in each built-in role lacking the permission, and in
 *    a custom role holding every permission but that one → 403;
 *  - signed out → 401;
 * and the victim org's stored state (every org_id table, found in the
 * catalog) must be unchanged. Then the victim's owner makes the same call,
 * which must succeed and change that state, proving the case really
 * exercises the action. A new action without a case fails the sweep.
 */

// ── the request context the actions run in ─────────────────────────────────
let currentActor: Actor | null = null;
vi.mock('@/lib/auth/session', () => ({
  currentActor: async () => {
    if (!currentActor) throw new UnauthorizedError();
    return currentActor;
  },
  getSessionUser: async () => null,
}));
vi.mock('@/lib/auth/config', async () => {
  const { redirect } = await import('next/navigation');
  return {
    auth: async () => null,
    signIn: async (_provider: string, options: { redirectTo?: string }) => redirect(options.redirectTo ?? '/'),
    signOut: async () => redirect('/sign-in'),
    handlers: {},
  };
});
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'user-agent': 'tenant-isolation-sweep', 'x-forwarded-for': '198.51.100.9' }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false }),
}));
vi.mock('next/cache', () => ({ refresh: () => {}, revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {} }));

// ── the cases ──────────────────────────────────────────────────────────────
type Fields = Record<string, string | string[]>;

/** An org-scoped action: needs `permission` in the org named by the `orgId` field ('member': any member). */
interface OrgActionCase {
  kind: 'org';
  permission: OrgPermission | 'member';
  fields: (world: World) => Fields;
  /** Who succeeds in the control call (default: the owner). */
  control?: (world: World) => Actor;
  /** State the control call needs, made before the sweep (e.g. a Stripe customer). */
  setup?: (world: World) => Promise<void>;
}

/** Acting on an invitation: the link's token is the authority, and only the invited address may use it. */
interface InvitationCase {
  kind: 'invitation';
  fields: (world: World) => Fields;
  /** The control's actor; null for the signed-out newcomer flow. */
  control: (world: World) => Actor | null;
  /** Calls that must be refused: a token from another org's invitation used by the wrong person, garbage. */
  refusals: (victim: World, attacker: World) => { actor: Actor | null; fields: Fields; status: number[] }[];
}

interface Exempt {
  kind: 'exempt';
  reason: string;
}

type Case = OrgActionCase | InvitationCase | Exempt;

const TEAM = 'app/(portal)/portal/[org]/team';
const INVITE = 'app/(portal)/invite/[token]/actions.ts';

const CASES: Record<string, Case> = {
  // members and invitations
  [`${TEAM}/actions.ts#inviteMemberAction`]: {
    kind: 'org',
    permission: 'members.invite',
    fields: (w) => ({ orgId: w.org.id, email: `sweep-${w.label}-new@example.test`, role: 'viewer' }),
  },
  [`${TEAM}/actions.ts#resendInvitationAction`]: {
    kind: 'org',
    permission: 'members.invite',
    fields: (w) => ({ orgId: w.org.id, invitationId: w.invitation.id }),
  },
  [`${TEAM}/actions.ts#revokeInvitationAction`]: {
    kind: 'org',
    permission: 'members.invite',
    fields: (w) => ({ orgId: w.org.id, invitationId: w.invitation.id }),
  },
  [`${TEAM}/actions.ts#changeMemberRoleAction`]: {
    kind: 'org',
    permission: 'members.manage',
    fields: (w) => ({ orgId: w.org.id, membershipId: w.target.membership.id, role: `custom:${w.role.id}` }),
  },
  [`${TEAM}/actions.ts#removeMemberAction`]: {
    kind: 'org',
    permission: 'members.manage',
    fields: (w) => ({ orgId: w.org.id, membershipId: w.target.membership.id }),
  },
  [`${TEAM}/actions.ts#leaveOrgAction`]: {
    kind: 'org',
    permission: 'member',
    fields: (w) => ({ orgId: w.org.id }),
    control: (w) => w.target.actor,
  },
  // teams
  [`${TEAM}/teams/actions.ts#createTeamAction`]: {
    kind: 'org',
    permission: 'teams.manage',
    fields: (w) => ({ orgId: w.org.id, name: 'Sweepers' }),
  },
  [`${TEAM}/teams/actions.ts#updateTeamAction`]: {
    kind: 'org',
    permission: 'teams.manage',
    fields: (w) => ({ orgId: w.org.id, teamId: w.team.id, name: 'Renamed', description: 'changed' }),
  },
  [`${TEAM}/teams/actions.ts#deleteTeamAction`]: {
    kind: 'org',
    permission: 'teams.manage',
    fields: (w) => ({ orgId: w.org.id, teamId: w.team.id }),
  },
  [`${TEAM}/teams/actions.ts#addTeamMemberAction`]: {
    kind: 'org',
    permission: 'teams.manage',
    fields: (w) => ({ orgId: w.org.id, teamId: w.team.id, membershipId: w.editor.membership.id }),
  },
  [`${TEAM}/teams/actions.ts#removeTeamMemberAction`]: {
    kind: 'org',
    permission: 'teams.manage',
    fields: (w) => ({ orgId: w.org.id, teamId: w.team.id, membershipId: w.target.membership.id }),
  },
  // custom roles
  [`${TEAM}/roles/actions.ts#createRoleAction`]: {
    kind: 'org',
    permission: 'roles.manage',
    fields: (w) => ({ orgId: w.org.id, name: 'Sweep QA', permissions: ['instructions.view', 'licenses.view'] }),
  },
  [`${TEAM}/roles/actions.ts#updateRoleAction`]: {
    kind: 'org',
    permission: 'roles.manage',
    fields: (w) => ({ orgId: w.org.id, roleId: w.role.id, name: 'Sweep QA 2', permissions: ['pulls.view'] }),
  },
  [`${TEAM}/roles/actions.ts#deleteRoleAction`]: {
    kind: 'org',
    permission: 'roles.manage',
    fields: (w) => ({ orgId: w.org.id, roleId: w.role.id }),
  },
  // the invitee's side
  [`${INVITE}#acceptInvitationAction`]: {
    kind: 'invitation',
    fields: (w) => ({ token: w.invitation.token }),
    control: (w) => w.invitee.actor,
    refusals: (victim, attacker) => [
      { actor: attacker.owner.actor, fields: { token: victim.invitation.token }, status: [403] },
      { actor: victim.admin.actor, fields: { token: victim.invitation.token }, status: [403] },
      { actor: attacker.invitee.actor, fields: { token: victim.invitation.token }, status: [403] },
      { actor: victim.invitee.actor, fields: { token: 'pci_0000000000000000000000000000000000000000000' }, status: [404] },
      { actor: null, fields: { token: victim.invitation.token }, status: [401] },
    ],
  },
  [`${INVITE}#acceptAsNewUserAction`]: {
    kind: 'invitation',
    fields: (w) => ({ token: w.newcomer.token, name: 'New Comer', password: 'a long enough password' }),
    control: () => null,
    refusals: (victim) => [
      // An invitation for an address that already has an account cannot mint a second one.
      { actor: null, fields: { token: victim.invitation.token, name: 'Impostor', password: 'a long enough password' }, status: [409] },
      { actor: null, fields: { token: 'pci_0000000000000000000000000000000000000000000', name: 'X', password: 'a long enough password' }, status: [404] },
    ],
  },
  // billing (Stripe calls go to the local stand-in started below)
  ['app/(portal)/portal/[org]/billing/actions.ts#checkoutAction']: {
    kind: 'org',
    permission: 'billing.manage',
    fields: (w) => ({ org: w.org.slug, tier: 'team', interval: 'month' }),
  },
  ['app/(portal)/portal/[org]/billing/actions.ts#billingPortalAction']: {
    kind: 'org',
    permission: 'billing.manage',
    fields: (w) => ({ org: w.org.slug }),
    setup: async (w) => {
      const customer = await billing.stripe.customers.create({ name: w.org.name });
      await prisma.billingAccount.create({ data: { orgId: w.org.id, stripeCustomerId: customer.id } });
    },
  },
  'app/api/webhooks/stripe/route.ts#POST': {
    kind: 'exempt',
    reason: "authenticated by Stripe's signature over the raw body, no caller-supplied ids; the org comes from our own billing account or metadata (lib/billing/webhooks.db.test.ts: bad signature, duplicates, order)",
  },
  // API routes
  'app/api/auth/[...nextauth]/route.ts#GET': { kind: 'exempt', reason: "next-auth's own sign-in endpoints: no organization data" },
  'app/api/auth/[...nextauth]/route.ts#POST': { kind: 'exempt', reason: "next-auth's own sign-in endpoints: no organization data" },
  'app/api/health/route.ts#GET': { kind: 'exempt', reason: 'public liveness probe: no organization data' },
  'app/api/v1/licenses/jwks/route.ts#GET': { kind: 'exempt', reason: 'public signing keys (JWKS): no organization data' },
  'app/api/v1/licenses/revocations/route.ts#GET': { kind: 'exempt', reason: 'public signed revocation list: license ids only, by design' },
  'app/api/v1/entitlements/route.ts#GET': {
    kind: 'exempt',
    reason: "authenticated by the license JWT itself, whose subject is the org: no caller-supplied ids (lib/licensing/api.db.test.ts covers forged, revoked and expired licenses)",
  },
  'app/api/v1/settings/rbac/route.ts#GET': {
    kind: 'exempt',
    reason: 'authenticated by the license JWT itself, answers 200/404 for that license only (lib/licensing/api.db.test.ts)',
  },
};

// ── calling an entry point ─────────────────────────────────────────────────
type Outcome = { ok: true; redirect?: string } | { ok: false; status: number; error: string };
type ActionFn = (state: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

const root = path.resolve(import.meta.dirname, '../../..');
const discovery = discoverEntryPoints(root);
const modules = new Map<string, Record<string, unknown>>();

async function load(entry: EntryPoint): Promise<unknown> {
  if (!modules.has(entry.file)) modules.set(entry.file, (await import(/* @vite-ignore */ path.join(root, entry.file))) as Record<string, unknown>);
  return modules.get(entry.file)![entry.name];
}

function toFormData(fields: Fields): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  return form;
}

function redirectTarget(error: unknown): string | null {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest === 'string' && digest.startsWith('NEXT_REDIRECT')) return digest.split(';')[2] ?? '';
  return null;
}

let calls = 0;
async function invoke(fn: ActionFn, actor: Actor | null, fields: Fields): Promise<Outcome> {
  calls++;
  currentActor = actor;
  try {
    const result = await fn(null, toFormData(fields));
    return result.ok ? { ok: true } : { ok: false, status: result.status ?? 0, error: result.error };
  } catch (error) {
    const target = redirectTarget(error);
    if (target !== null) return { ok: true, redirect: target };
    throw error;
  } finally {
    currentActor = null;
  }
}

function expectRefused(outcome: Outcome, statuses: number[], what: string) {
  expect(outcome.ok, `${what} should be refused, but succeeded`).toBe(false);
  if (!outcome.ok) expect(statuses, `${what} answered ${outcome.status} (${outcome.error})`).toContain(outcome.status);
}

/** Built-in roles without `permission`, plus a custom role holding every other permission. */
async function membersLacking(world: World, permission: OrgPermission) {
  const lacking: { label: string; actor: Actor }[] = BUILTIN_MEMBER_KEYS.filter((key) => !(BUILTIN_ROLES[key].permissions as readonly string[]).includes(permission)).map(
    (key) => ({ label: key, actor: world[key].actor }),
  );
  const allBut = await prisma.role.create({
    data: { orgId: world.org.id, name: `All but ${permission}`, permissions: ORG_PERMISSIONS.filter((p) => p !== permission) },
  });
  lacking.push({ label: `custom role without ${permission}`, actor: (await createMember(world.org.id, 'custom', allBut.id)).actor });
  return lacking;
}

function victimIds(world: World): Set<string> {
  return new Set([
    world.owner.membership.id,
    world.admin.membership.id,
    world.editor.membership.id,
    world.viewer.membership.id,
    world.target.membership.id,
    world.team.id,
    world.role.id,
    `custom:${world.role.id}`,
    world.invitation.id,
    world.newcomer.invitationId,
  ]);
}

// ── the sweep ──────────────────────────────────────────────────────────────
const covered = { actions: 0, routes: 0, exempt: 0 };

let billing: BillingTestEnv;
beforeAll(async () => {
  setMailTransport(memoryTransport());
  billing = await startBillingTestEnv();
});
afterAll(async () => {
  setMailTransport(undefined);
  await billing.stop();
  console.log(
    `tenant isolation sweep: ${discovery.entryPoints.length} entry points found; ${covered.actions} actions and ${covered.routes} routes swept with ${calls} calls; ${covered.exempt} exempt (public or not org-scoped)`,
  );
});

describe('tenant isolation sweep', () => {
  it('has a case for every server action and route handler, and no stale cases', () => {
    const found = discovery.entryPoints.map((entry) => entry.id);
    const missing = found.filter((id) => !Object.hasOwn(CASES, id));
    const stale = Object.keys(CASES).filter((id) => !found.includes(id));
    expect(missing, `Entry points without a sweep case: add them to CASES in ${path.relative(root, import.meta.filename)}`).toEqual([]);
    expect(stale, 'Cases for entry points that no longer exist').toEqual([]);
    expect(discovery.inlineActions, "Inline 'use server' functions cannot be swept: move them into an actions module").toEqual([]);
    expect(found.length).toBeGreaterThan(10);
  });

  for (const entry of discovery.entryPoints) {
    const spec = CASES[entry.id];
    if (!spec) continue;
    if (spec.kind === 'exempt') {
      it(`${entry.id} is exempt: ${spec.reason}`, () => {
        expect(spec.reason.length).toBeGreaterThan(10);
        covered.exempt++;
      });
      continue;
    }

    it(`${entry.id}`, async () => {
      const fn = (await load(entry)) as ActionFn;
      expect(typeof fn).toBe('function');
      const victim = await createWorld('victim');
      const attacker = await createWorld('attacker');

      if (spec.kind === 'org') {
        await spec.setup?.(victim);
        const lacking = spec.permission === 'member' ? [] : await membersLacking(victim, spec.permission);
        const before = await orgDigest(victim);
        const attackerBefore = await orgDigest(attacker);
        const fields = spec.fields(victim);

        expectRefused(await invoke(fn, attacker.owner.actor, fields), [404], "another org's owner with the victim's ids");
        const ids = victimIds(victim);
        if (Object.entries(fields).some(([key, value]) => key !== 'orgId' && [value].flat().some((v) => ids.has(v)))) {
          expectRefused(await invoke(fn, attacker.owner.actor, { ...fields, orgId: attacker.org.id }), [404], "another org's owner with their org id and the victim's object ids");
        }
        for (const member of lacking) expectRefused(await invoke(fn, member.actor, fields), [403], `a victim member (${member.label})`);
        expectRefused(await invoke(fn, null, fields), [401], 'a signed-out caller');

        expect(await orgDigest(victim), "the victim org's data changed").toBe(before);
        expect(await orgDigest(attacker), "the attacker org's data changed").toBe(attackerBefore);

        const control = await invoke(fn, (spec.control ?? ((w: World) => w.owner.actor))(victim), fields);
        expect(control, 'the control call (the victim with the permission) should succeed').toMatchObject({ ok: true });
        expect(await orgDigest(victim), 'the control call should change the victim org').not.toBe(before);
        covered.actions++;
        return;
      }

      const before = await orgDigest(victim);
      for (const refusal of spec.refusals(victim, attacker)) {
        expectRefused(await invoke(fn, refusal.actor, refusal.fields), refusal.status, `${refusal.actor?.label ?? 'signed out'} with ${JSON.stringify(refusal.fields)}`);
      }
      expect(await orgDigest(victim), "the victim org's data changed").toBe(before);
      const control = await invoke(fn, spec.control(victim), spec.fields(victim));
      expect(control, 'the invitee should succeed').toMatchObject({ ok: true, redirect: `/portal/${victim.org.slug}` });
      expect(await orgDigest(victim)).not.toBe(before);
      covered.actions++;
    });
  }
});
