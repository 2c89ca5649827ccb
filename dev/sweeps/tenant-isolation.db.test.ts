import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ActionResult } from '@/lib/platform/action-result';
import { randomBytes } from 'node:crypto';
import type { Actor } from '@/lib/identity/auth/actor';
import { hashPassword } from '@/lib/identity/auth/password';
import { requestEmailChange } from '@/lib/identity/accounts/email-change';
import { beginMfaEnrolment } from '@/lib/identity/auth/mfa';
import { requestPasswordReset } from '@/lib/identity/auth/passwords';
import { totpCode } from '@/lib/identity/auth/totp';
import { startSession } from '@/lib/identity/auth/sessions';
import { UnauthorizedError } from '@/lib/platform/errors';
import { setMailTransport } from '@/lib/platform/mail/send';
import { memoryTransport } from '@/lib/platform/mail/transport';
import { BUILTIN_ROLES, ORG_PERMISSIONS, type OrgPermission } from '@/lib/identity/rbac/permissions';
import { prisma } from '@/lib/platform/db/client';
import { createMember, createStaff, enrolMfa, uniqueSlug } from '@/dev/testing/factories';
import { discoverEntryPoints } from './discover';
import { loadEntryPoint, redirectTarget, toFormData, type Fields } from './harness';
import { startBillingTestEnv, type BillingTestEnv } from '@/dev/testing/stripe';
import { BUILTIN_MEMBER_KEYS, createWorld, orgDigest, type World, type WorldExtra } from './world';

/**
 * Tenant isolation sweep. Every server action and route handler that is not
 * staff-only (those are admin-access.db.test.ts's) is found by reading the
 * source (discover.ts) and must have a case below. Each case is called, against a populated victim org:
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
vi.mock('@/lib/identity/auth/session', () => ({
  currentActor: async () => {
    if (!currentActor) throw new UnauthorizedError();
    return currentActor;
  },
  getSessionUser: async () => null,
}));
vi.mock('@/lib/identity/auth/config', async () => {
  const { redirect } = await import('next/navigation');
  return {
    auth: async () => null,
    signIn: async (_provider: string, options: { redirectTo?: string }) => redirect(options.redirectTo ?? '/'),
    signOut: async () => redirect('/sign-in'),
    handlers: {},
  };
});
// The sign-in actions name next-auth's refusal class; next-auth itself (mocked above) is not loaded.
vi.mock('next-auth', () => ({ CredentialsSignin: class CredentialsSignin extends Error { code = 'credentials'; } }));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'user-agent': 'tenant-isolation-sweep', 'x-forwarded-for': '198.51.100.9' }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false }),
}));
vi.mock('next/cache', () => ({ refresh: () => {}, revalidatePath: () => {}, revalidateTag: () => {}, updateTag: () => {} }));

// ── the cases ──────────────────────────────────────────────────────────────

/**
 * An org-scoped action: needs `permission` in the org named by the `orgId`
 * (or `slug`, `org`) field; 'member': any member.
 */
interface OrgActionCase {
  kind: 'org';
  permission: OrgPermission | 'member';
  fields: (world: World) => Fields;
  /** Optional world parts the case needs. */
  needs?: WorldExtra[];
  /** Who succeeds in the control call (default: the owner). */
  control?: (world: World) => Actor;
  /** Why the control call cannot run here (the refusals are still checked); name the test that covers success. */
  noControl?: string;
  /** Why a successful call stores nothing (e.g. it only redirects to Stripe). */
  readOnly?: string;
}

/** Acting on an invitation: the link's token is the authority, and only the invited address may use it. */
interface InvitationCase {
  kind: 'invitation';
  fields: (world: World) => Fields;
  /** The control's actor; null for the signed-out newcomer flow. */
  control: (world: World) => Actor | null;
  /** What the control does: joins the org (redirects into its portal, the default) or only mails the newcomer a code. */
  outcome?: 'joins' | 'mails';
  /** Calls that must be refused: a token from another org's invitation used by the wrong person, garbage. */
  refusals: (victim: World, attacker: World) => Refusal[];
}
type Refusal = { actor: Actor | null; fields: Fields; status: number[] };

/** A route handler under a portal page: GET with the org's slug (and ids) in the path. */
interface OrgRouteCase {
  kind: 'route';
  permission: OrgPermission;
  request: (world: World) => { path: string; params: Record<string, string> };
  /** The victim's object ids under the attacker's own org, when the path has any. */
  mixed?: (victim: World, attacker: World) => { path: string; params: Record<string, string> };
}

/** A person with a password and two signed-in devices; `actor` acts through the first. */
interface AccountSubject {
  user: { id: string; email: string };
  actor: Actor;
  sessions: [string, string];
  password: string;
  /** The TOTP key of the subject's authenticator, when a case's `prepare` gave them one. */
  totpSecret?: string;
}

/**
 * Acting on one's own account (/account): only the caller's account is
 * touched. Anyone else calling with the victim's ids (another org's owner,
 * the victim's own org owner, vendor staff) may get any answer but leaves the
 * victim's account as it was; signed out → 401; the victim's own call
 * succeeds and changes it.
 */
interface AccountCase {
  kind: 'account';
  fields: (victim: AccountSubject) => Fields | Promise<Fields>;
  /** State the victim's account needs first (MFA on, or an enrolment started). */
  prepare?: (victim: AccountSubject) => Promise<void>;
}

/**
 * A route under /account answering with the caller's own data: whoever
 * calls gets only their own (the victim's identifiers never appear in
 * another caller's answer); signed out → 401; the victim's own call
 * answers with theirs.
 */
interface AccountRouteCase {
  kind: 'account-route';
  path: string;
}

/**
 * Signed-out entry points of sign-in (password reset): without the secret
 * mailed to an account nothing reaches it, and the answer says nothing about
 * which addresses have accounts.
 */
interface PublicCase {
  kind: 'public';
  /** Calls that must all get the same answer (a real account's address, one without a password, an unknown one). */
  sameAnswer?: (victim: AccountSubject, attacker: World) => Fields[];
  refusals?: (victim: AccountSubject) => Promise<{ fields: Fields; status: number[] }[]>;
  /** The victim's own call, with what their mailbox received; it must succeed and change their account. */
  control?: (victim: AccountSubject) => Promise<Fields>;
  /** Why a successful call changes no account. */
  readOnly?: string;
}

interface Exempt {
  kind: 'exempt';
  reason: string;
}

type Case = OrgActionCase | InvitationCase | OrgRouteCase | AccountCase | AccountRouteCase | PublicCase | Exempt;

const TEAM = 'app/(portal)/portal/[org]/team';
const INVITE = 'app/(portal)/invite/[token]/actions.ts';
const ACCOUNT = 'app/(account)/account/actions.ts';
const RESET = 'app/(auth)/forgot-password/actions.ts';
const NEW_PASSWORD = 'a fresh sweep passphrase';

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
  // install instructions, tokens, licenses
  'app/(portal)/portal/[org]/install/actions.ts#rotateOwnTokenAction': {
    kind: 'org',
    permission: 'tokens.rotate',
    fields: (w) => ({ slug: w.org.slug, tokenId: w.token.id, overlapHours: '24' }),
  },
  'app/(portal)/portal/[org]/install/actions.ts#instructionsCopiedAction': {
    kind: 'org',
    permission: 'instructions.download',
    fields: (w) => ({ orgId: w.org.id, repositoryId: w.repository.id }),
  },
  'app/(portal)/portal/[org]/install/download/route.ts#GET': {
    kind: 'route',
    permission: 'instructions.download',
    request: (w) => ({ path: `/portal/${w.org.slug}/install/download`, params: { org: w.org.slug } }),
  },
  'app/(portal)/portal/[org]/licenses/[licenseId]/download/route.ts#GET': {
    kind: 'route',
    permission: 'licenses.download',
    request: (w) => ({ path: `/portal/${w.org.slug}/licenses/${w.license.id}/download`, params: { org: w.org.slug, licenseId: w.license.id } }),
    mixed: (victim, attacker) => ({ path: `/portal/${attacker.org.slug}/licenses/${victim.license.id}/download`, params: { org: attacker.org.slug, licenseId: victim.license.id } }),
  },
  // SSO settings (lib/identity/sso): customer owners (connections) and admins (the rest), and staff from the dashboard
  'lib/identity/sso/actions.ts#createSamlConnectionAction': {
    kind: 'org',
    permission: 'sso.connections',
    needs: ['sso'],
    fields: (w) => ({ orgId: w.org.id, name: 'Second IdP', metadataXml: w.sso!.spareMetadata }),
  },
  'lib/identity/sso/actions.ts#createOidcConnectionAction': {
    kind: 'org',
    permission: 'sso.connections',
    fields: (w) => ({ orgId: w.org.id, name: 'OIDC', discoveryUrl: 'http://localhost:9/.well-known/openid-configuration', clientId: 'portcullis', clientSecret: 'secret' }),
    noControl: 'needs a running OIDC provider; lib/identity/sso/sso.db.test.ts creates OIDC connections against one',
  },
  'lib/identity/sso/actions.ts#updateConnectionAction': {
    kind: 'org',
    permission: 'sso.connections',
    needs: ['sso'],
    fields: (w) => ({ orgId: w.org.id, id: w.sso!.connectionId, name: 'Renamed IdP' }),
  },
  'lib/identity/sso/actions.ts#deleteConnectionAction': {
    kind: 'org',
    permission: 'sso.connections',
    needs: ['sso'],
    fields: (w) => ({ orgId: w.org.id, id: w.sso!.connectionId }),
  },
  'lib/identity/sso/actions.ts#addDomainAction': {
    kind: 'org',
    permission: 'sso.manage',
    needs: ['sso'],
    fields: (w) => ({ orgId: w.org.id, domain: w.sso!.spareDomain }),
  },
  'lib/identity/sso/actions.ts#verifyDomainAction': {
    kind: 'org',
    permission: 'sso.manage',
    needs: ['sso'],
    fields: (w) => ({ orgId: w.org.id, id: w.sso!.domainId }),
    noControl: 'needs a DNS server answering the TXT record; lib/identity/sso/sso.db.test.ts runs one',
  },
  'lib/identity/sso/actions.ts#removeDomainAction': {
    kind: 'org',
    permission: 'sso.manage',
    needs: ['sso'],
    fields: (w) => ({ orgId: w.org.id, id: w.sso!.domainId }),
  },
  'lib/identity/sso/actions.ts#updatePolicyAction': {
    kind: 'org',
    permission: 'sso.manage',
    fields: (w) => ({ orgId: w.org.id, defaultRole: 'editor' }),
  },
  'lib/identity/sso/actions.ts#setGroupRoleAction': {
    kind: 'org',
    permission: 'sso.manage',
    fields: (w) => ({ orgId: w.org.id, groupName: 'qa', role: `custom:${w.role.id}` }),
  },
  'lib/identity/sso/actions.ts#removeGroupRoleAction': {
    kind: 'org',
    permission: 'sso.manage',
    needs: ['sso'],
    fields: (w) => ({ orgId: w.org.id, id: w.sso!.groupRoleId }),
  },
  // billing (Stripe through the local stand-in)
  'lib/product/billing/actions.ts#checkoutAction': {
    kind: 'org',
    permission: 'billing.manage',
    fields: (w) => ({ org: w.org.slug, tier: 'enterprise', interval: 'month' }),
  },
  'lib/product/billing/actions.ts#billingPortalAction': {
    kind: 'org',
    permission: 'billing.manage',
    needs: ['billing'],
    fields: (w) => ({ org: w.org.slug }),
    readOnly: 'opening the Stripe billing portal only redirects; Stripe holds the session',
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
    fields: (w) => ({ token: w.newcomer.token, code: w.newcomer.code, name: 'New Comer', password: 'a long enough password' }),
    control: () => null,
    refusals: (victim, attacker): Refusal[] => [
      // An invitation for an address that already has an account cannot mint a second one.
      { actor: null, fields: { token: victim.invitation.token, code: victim.newcomer.code, name: 'Impostor', password: 'a long enough password' }, status: [409] },
      { actor: null, fields: { token: 'pci_0000000000000000000000000000000000000000000', code: '00000000', name: 'X', password: 'a long enough password' }, status: [404] },
      // Whoever holds the link (the inviter saw it) cannot create the account without the mailed code...
      { actor: null, fields: { token: victim.newcomer.token, name: 'Impostor', password: 'a long enough password' }, status: [400] },
      { actor: victim.owner.actor, fields: { token: victim.newcomer.token, code: '00000000', name: 'Impostor', password: 'a long enough password' }, status: [400] },
      // ...nor with a code mailed for another invitation.
      { actor: null, fields: { token: victim.newcomer.token, code: attacker.newcomer.code, name: 'Impostor', password: 'a long enough password' }, status: [400] },
    ],
  },
  [`${INVITE}#sendInvitationCodeAction`]: {
    kind: 'invitation',
    fields: (w) => ({ token: w.newcomer.token }),
    control: () => null,
    outcome: 'mails',
    refusals: (victim) => [
      // Only for someone new: an address with an account signs in instead.
      { actor: null, fields: { token: victim.invitation.token }, status: [409] },
      { actor: victim.owner.actor, fields: { token: victim.invitation.token }, status: [409] },
      { actor: null, fields: { token: 'pci_0000000000000000000000000000000000000000000' }, status: [404] },
      { actor: null, fields: { token: '' }, status: [400] },
    ],
  },
  // sign-in (public)
  'app/(auth)/actions.ts#signInAction': { kind: 'exempt', reason: 'password sign-in: public by design, no organization data (lib/identity/auth/sign-in.db.test.ts, e2e/auth.spec.ts)' },
  'app/(auth)/actions.ts#mfaSignInAction': {
    kind: 'public',
    refusals: async () => [
      // The ticket is an httpOnly cookie only the password step sets: without it nothing is checked.
      { fields: { code: '123456' }, status: [401] },
      { fields: { code: '' }, status: [400] },
    ],
    readOnly: 'succeeds only with the ticket cookie the right password set (lib/identity/auth/mfa.db.test.ts, e2e/mfa.spec.ts)',
  },
  'app/(auth)/actions.ts#signOutAction': { kind: 'exempt', reason: "ends the caller's own session: no organization data" },
  'app/(auth)/sign-in/sso/actions.ts#ssoEmailAction': {
    kind: 'exempt',
    reason: "the SSO email step: public by design, answers only with the sign-in paths of the address's verified domain (lib/identity/sso/sso.db.test.ts)",
  },
  'app/(auth)/sign-in/sso/link/actions.ts#confirmSsoLinkAction': {
    kind: 'exempt',
    reason:
      "links an SSO identity only with the sealed link cookie the holder's own SSO sign-in set and the account's password, through signInWithPassword's limiter (lib/identity/sso/takeover.db.test.ts, e2e/sso.spec.ts)",
  },
  'app/(auth)/sign-in/sso/link/actions.ts#cancelSsoLinkAction': { kind: 'exempt', reason: "deletes the caller's own pending-link cookie: no stored data" },
  // one's own account (/account)
  [`${ACCOUNT}#changePasswordAction`]: { kind: 'account', fields: (v) => ({ currentPassword: v.password, newPassword: NEW_PASSWORD }) },
  [`${ACCOUNT}#endSessionAction`]: { kind: 'account', fields: (v) => ({ sessionId: v.sessions[1] }) },
  [`${ACCOUNT}#endOtherSessionsAction`]: { kind: 'account', fields: () => ({}) },
  [`${ACCOUNT}#endAllSessionsAction`]: { kind: 'account', fields: () => ({}) },
  [`${ACCOUNT}#requestEmailChangeAction`]: { kind: 'account', fields: (v) => ({ newEmail: `moved-${v.user.id}@example.test`, password: v.password }) },
  [`${ACCOUNT}#confirmEmailChangeAction`]: { kind: 'account', fields: async (v) => ({ newEmail: `moved-${v.user.id}@example.test`, code: await mailedEmailChangeCode(v) }) },
  [`${ACCOUNT}#deleteAccountAction`]: { kind: 'account', fields: (v) => ({ password: v.password }) },
  'app/(account)/account/export/route.ts#GET': { kind: 'account-route', path: '/account/export' },
  // two-factor authentication (lib/identity/auth/mfa.ts)
  [`${ACCOUNT}#beginMfaEnrolmentAction`]: { kind: 'account', fields: (v) => ({ password: v.password }) },
  [`${ACCOUNT}#confirmMfaEnrolmentAction`]: {
    kind: 'account',
    prepare: async (v) => {
      v.totpSecret = (await beginMfaEnrolment(v.actor, { password: v.password })).secret;
    },
    fields: (v) => ({ code: totpCode(v.totpSecret!) }),
  },
  [`${ACCOUNT}#regenerateRecoveryCodesAction`]: {
    kind: 'account',
    prepare: async (v) => {
      v.totpSecret = (await enrolMfa(v.user.id)).secret;
    },
    fields: (v) => ({ password: v.password }),
  },
  [`${ACCOUNT}#disableMfaAction`]: {
    kind: 'account',
    prepare: async (v) => {
      v.totpSecret = (await enrolMfa(v.user.id)).secret;
    },
    fields: (v) => ({ password: v.password, code: totpCode(v.totpSecret!) }),
  },
  // password reset from the sign-in page
  [`${RESET}#requestPasswordResetAction`]: {
    kind: 'public',
    sameAnswer: (v, attacker) => [{ email: v.user.email }, { email: attacker.owner.user.email }, { email: `${uniqueSlug('nobody')}@example.test` }],
    readOnly: 'asking only mails a link to the address; the account changes when the link is used (resetPasswordAction)',
  },
  [`${RESET}#resetPasswordAction`]: {
    kind: 'public',
    refusals: async (v) => [
      { fields: { token: `pcm_${'0'.repeat(43)}`, password: NEW_PASSWORD }, status: [400] },
      { fields: { token: '', password: NEW_PASSWORD }, status: [400] },
      // The victim's own link with a password the rule refuses changes nothing.
      { fields: { token: await mailedResetLink(v), password: 'password1234' }, status: [400] },
    ],
    control: async (v) => ({ token: await mailedResetLink(v), password: NEW_PASSWORD }),
  },
  // API routes
  'app/api/auth/[...nextauth]/route.ts#GET': { kind: 'exempt', reason: "next-auth's own sign-in endpoints: no organization data" },
  'app/api/auth/[...nextauth]/route.ts#POST': { kind: 'exempt', reason: "next-auth's own sign-in endpoints: no organization data" },
  'app/api/health/route.ts#GET': { kind: 'exempt', reason: 'public liveness probe: no organization data' },
  'app/api/ready/route.ts#GET': { kind: 'exempt', reason: 'public readiness probe: no organization data' },
  // Owners only (an admin holds org.update but is refused too: lib/identity/auth/mfa.db.test.ts).
  'app/(portal)/portal/[org]/settings/actions.ts#setOrgMfaRequirementAction': { kind: 'org', permission: 'org.update', fields: (w) => ({ orgId: w.org.id, mfaRequired: 'true' }) },
  'app/(portal)/portal/[org]/audit/actions.ts#createDestinationAction': {
    kind: 'exempt',
    reason: 'lib/product/siem/delivery.db.test.ts: a foreign owner gets 404, a viewer 403, a tier without streaming is refused, nothing written',
  },
  'app/(portal)/portal/[org]/audit/actions.ts#updateDestinationAction': { kind: 'exempt', reason: 'same gate as createDestinationAction (authorizeOrg siem.manage + destination looked up by id and orgId)' },
  'app/(portal)/portal/[org]/audit/actions.ts#deleteDestinationAction': { kind: 'exempt', reason: 'same gate as createDestinationAction (authorizeOrg siem.manage + destination looked up by id and orgId)' },
  'app/(portal)/portal/[org]/audit/actions.ts#redeliverAction': { kind: 'exempt', reason: 'lib/product/siem/delivery.db.test.ts: a viewer is refused; deliveries are looked up through their destination\'s orgId' },
  'app/(portal)/portal/[org]/audit/export/route.ts#GET': { kind: 'exempt', reason: 'lib/identity/audit/list.db.test.ts and e2e/audit.spec.ts: another org\'s export is a 404' },
  'app/api/metrics/route.ts#GET': { kind: 'exempt', reason: 'operator metrics behind the METRICS_TOKEN bearer: aggregates, no caller-supplied ids' },
  'app/api/webhooks/stripe/route.ts#POST': {
    kind: 'exempt',
    reason: "authenticated by Stripe's signature over the raw body; ids come from Stripe (lib/product/billing/webhooks.db.test.ts)",
  },
  'app/api/sso/start/route.ts#GET': {
    kind: 'exempt',
    reason: "starts a sign-in at the connection's IdP and changes nothing; its test mode authorizes sso.manage on the connection's org (lib/identity/sso/flow.ts)",
  },
  'app/api/sso/callback/route.ts#GET': { kind: 'exempt', reason: 'SSO sign-in: the IdP vouches through Jackson and a signed flow cookie (lib/identity/sso/sso.db.test.ts)' },
  'app/api/sso/oidc/callback/route.ts#GET': { kind: 'exempt', reason: "SSO sign-in: the OIDC provider's code for the flow this browser started, id_token verified (lib/identity/sso/oidc.db.test.ts)" },
  'app/api/sso/saml/acs/route.ts#POST': { kind: 'exempt', reason: 'SSO sign-in: signed SAML responses checked here and by Jackson (lib/identity/sso/saml-checks.db.test.ts, lib/identity/sso/sso.db.test.ts)' },
  'app/api/sso/saml/metadata/route.ts#GET': { kind: 'exempt', reason: "public SAML service-provider metadata: the same for every org" },
  'app/api/sso/demo-idp/metadata/route.ts#GET': { kind: 'exempt', reason: 'the built-in demo IdP (demo and development only): no organization data' },
  'app/api/sso/demo-idp/sso/route.ts#GET': { kind: 'exempt', reason: 'the built-in demo IdP (demo and development only): no organization data' },
  'app/api/sso/demo-idp/sso/route.ts#POST': { kind: 'exempt', reason: 'the built-in demo IdP (demo and development only): signs demo users only' },
  'app/api/v1/licenses/jwks/route.ts#GET': { kind: 'exempt', reason: 'public signing keys (JWKS): no organization data' },
  'app/api/v1/licenses/revocations/route.ts#GET': { kind: 'exempt', reason: 'public signed revocation list: license ids only, by design' },
  'app/api/v1/entitlements/route.ts#GET': {
    kind: 'exempt',
    reason: "authenticated by the license JWT itself, whose subject is the org: no caller-supplied ids (lib/product/licensing/api.db.test.ts covers forged, revoked and expired licenses)",
  },
  'app/api/v1/settings/rbac/route.ts#GET': {
    kind: 'exempt',
    reason: 'authenticated by the license JWT itself, answers 200/404 for that license only (lib/product/licensing/api.db.test.ts)',
  },
};

// ── calling an entry point ─────────────────────────────────────────────────
/** Fields that name the org itself (by id, or by slug where a shared form posts it). */
const ORG_KEYS = ['orgId', 'slug', 'org'];
type Outcome = { ok: true; redirect?: string } | { ok: false; status: number; error: string };
type ActionFn = (state: unknown, formData: FormData) => Promise<ActionResult<unknown>>;

const root = path.resolve(import.meta.dirname, '../..');
const discovery = discoverEntryPoints(root);
const entryPoints = discovery.entryPoints.filter((entry) => !entry.staffOnly);

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

type RouteFn = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

async function invokeRoute(fn: RouteFn, actor: Actor | null, target: { path: string; params: Record<string, string> }): Promise<Outcome> {
  calls++;
  currentActor = actor;
  try {
    const response = await fn(new Request(`http://portal.test${target.path}`), { params: Promise.resolve(target.params) });
    return response.ok ? { ok: true } : { ok: false, status: response.status, error: (await response.text()).slice(0, 200) };
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
    world.token.id,
    world.license.id,
  ]);
}

// ── accounts ───────────────────────────────────────────────────────────────
async function accountSubject(user: { id: string; email: string; staffRole: string | null }, actor: Actor): Promise<AccountSubject> {
  const password = `sweep ${randomBytes(6).toString('hex')} passphrase`;
  await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  const start = () => prisma.$transaction((tx) => startSession(tx, actor, { authMethod: 'password' }));
  const sessions: [string, string] = [(await start()).id, (await start()).id];
  return { user, actor: { ...actor, sessionId: sessions[0] }, sessions, password };
}

/** Everything stored about one account: its row (password hash included), its sessions and its second factor. */
async function accountDigest(subject: AccountSubject): Promise<string> {
  const user = await prisma.user.findUnique({ where: { id: subject.user.id }, omit: { passwordHash: false } });
  const sessions = await prisma.session.findMany({ where: { userId: subject.user.id }, orderBy: { id: 'asc' } });
  const memberships = await prisma.membership.findMany({ where: { userId: subject.user.id }, orderBy: { id: 'asc' } });
  // Address-change codes asked for on /account (password-reset links are the public cases' and change the account only when used).
  const proofs = await prisma.mailboxProof.findMany({ where: { subjectId: subject.user.id, purpose: 'email_change' }, orderBy: { id: 'asc' } });
  const mfa = await prisma.userMfa.findUnique({ where: { userId: subject.user.id }, omit: { totpSecret: false, pendingSecret: false } });
  const recoveryCodes = await prisma.mfaRecoveryCode.findMany({ where: { userId: subject.user.id }, orderBy: { id: 'asc' } });
  return JSON.stringify({ user, sessions, memberships, proofs, mfa, recoveryCodes });
}

/** Asks for an address change for the subject (with their password) and reads the code from the mail the new address received. */
async function mailedEmailChangeCode(subject: AccountSubject): Promise<string> {
  const newEmail = `moved-${subject.user.id}@example.test`;
  const before = outbox.sent.length;
  await requestEmailChange({ ...subject.actor, ip: `2001:db8:${randomBytes(2).toString('hex')}::2` }, { newEmail, password: subject.password });
  let code: string | undefined;
  await expect.poll(() => (code = outbox.sent.slice(before).find((mail) => mail.to === newEmail)?.text.match(/^\s+(\d{8})$/m)?.[1])).toBeTruthy();
  return code!;
}

/** Asks for a reset link for the subject (from an address of its own) and reads it from the mail the subject received. */
async function mailedResetLink(subject: AccountSubject): Promise<string> {
  const before = outbox.sent.length;
  await requestPasswordReset({ email: subject.user.email }, { ip: `2001:db8:${randomBytes(2).toString('hex')}::1` });
  let token: string | undefined;
  await expect
    .poll(() => (token = outbox.sent.slice(before).find((mail) => mail.to === subject.user.email)?.text.match(/\/reset-password\/(pcm_\w+)/)?.[1]))
    .toBeTruthy();
  return token!;
}

// ── the sweep ──────────────────────────────────────────────────────────────
const covered = { actions: 0, routes: 0, exempt: 0 };

let billing: BillingTestEnv;
const outbox = memoryTransport();
beforeAll(async () => {
  setMailTransport(outbox);
  billing = await startBillingTestEnv();
});
afterAll(async () => {
  setMailTransport(undefined);
  await billing?.stop();
  console.log(
    `tenant isolation sweep: ${entryPoints.length} entry points found; ${covered.actions} actions and ${covered.routes} routes swept with ${calls} calls; ${covered.exempt} exempt (public or not org-scoped)`,
  );
});

describe('tenant isolation sweep', () => {
  it('has a case for every server action and route handler, and no stale cases', () => {
    const found = entryPoints.map((entry) => entry.id);
    const missing = found.filter((id) => !Object.hasOwn(CASES, id));
    const stale = Object.keys(CASES).filter((id) => !found.includes(id));
    expect(missing, `Entry points without a sweep case: add them to CASES in ${path.relative(root, import.meta.filename)}`).toEqual([]);
    expect(stale, 'Cases for entry points that no longer exist').toEqual([]);
    expect(discovery.inlineActions, "Inline 'use server' functions cannot be swept: move them into an actions module").toEqual([]);
    expect(found.length).toBeGreaterThan(10);
  });

  for (const entry of entryPoints) {
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
      const fn = (await loadEntryPoint(root, entry)) as ActionFn;
      expect(typeof fn).toBe('function');
      const needs = spec.kind === 'org' ? (spec.needs ?? []) : [];
      const victim = await createWorld('victim', needs);
      const attacker = await createWorld('attacker', needs);

      if (spec.kind === 'route') {
        const route = fn as unknown as RouteFn;
        const lacking = await membersLacking(victim, spec.permission);
        const before = await orgDigest(victim);
        const attackerBefore = await orgDigest(attacker);
        const target = spec.request(victim);
        expectRefused(await invokeRoute(route, attacker.owner.actor, target), [404], "another org's owner with the victim's path");
        if (spec.mixed) expectRefused(await invokeRoute(route, attacker.owner.actor, spec.mixed(victim, attacker)), [404], "another org's owner with their slug and the victim's ids");
        for (const member of lacking) expectRefused(await invokeRoute(route, member.actor, target), [403], `a victim member (${member.label})`);
        expectRefused(await invokeRoute(route, null, target), [401], 'a signed-out caller');
        expect(await orgDigest(victim), "the victim org's data changed").toBe(before);
        expect(await orgDigest(attacker), "the attacker org's data changed").toBe(attackerBefore);
        expect(await invokeRoute(route, victim.owner.actor, target), 'the control call (the victim with the permission) should succeed').toMatchObject({ ok: true });
        expect(await orgDigest(victim), 'the control call should change the victim org (it is audited)').not.toBe(before);
        covered.routes++;
        return;
      }

      if (spec.kind === 'account') {
        const subject = await accountSubject(victim.viewer.user, victim.viewer.actor);
        await accountSubject(attacker.owner.user, attacker.owner.actor);
        await spec.prepare?.(subject);
        const fields = await spec.fields(subject);
        const before = await accountDigest(subject);
        // Anyone else gets whatever their own account gives them, and the victim's account stays as it was.
        for (const caller of [attacker.owner.actor, victim.owner.actor, (await createStaff('staff-admin')).actor]) await invoke(fn, caller, fields);
        expectRefused(await invoke(fn, null, fields), [401], 'a signed-out caller');
        expect(await accountDigest(subject), "the victim's account changed").toBe(before);
        expect(await invoke(fn, subject.actor, fields), 'the control call (the victim on their own account) should succeed').toMatchObject({ ok: true });
        expect(await accountDigest(subject), 'the control call should change the victim account').not.toBe(before);
        covered.actions++;
        return;
      }

      if (spec.kind === 'account-route') {
        const route = fn as unknown as RouteFn;
        const subject = await accountSubject(victim.viewer.user, victim.viewer.actor);
        const target = { path: spec.path, params: {} };
        const secrets = [subject.user.id, subject.user.email, ...subject.sessions];
        for (const caller of [attacker.owner.actor, victim.owner.actor, (await createStaff('staff-admin')).actor]) {
          calls++;
          currentActor = caller;
          try {
            const response = await route(new Request(`http://portal.test${spec.path}`), { params: Promise.resolve({}) });
            const body = await response.text();
            for (const secret of secrets) expect(body, `${caller.label}'s answer names the victim`).not.toContain(secret);
          } finally {
            currentActor = null;
          }
        }
        expectRefused(await invokeRoute(route, null, target), [401], 'a signed-out caller');
        currentActor = subject.actor;
        try {
          const own = await (await route(new Request(`http://portal.test${spec.path}`), { params: Promise.resolve({}) })).text();
          expect(own, "the victim's own call answers with their data").toContain(subject.user.email);
        } finally {
          currentActor = null;
        }
        covered.routes++;
        return;
      }

      if (spec.kind === 'public') {
        const subject = await accountSubject(victim.viewer.user, victim.viewer.actor);
        const before = await accountDigest(subject);
        const orgBefore = await orgDigest(victim);
        const answers = [];
        for (const fields of spec.sameAnswer?.(subject, attacker) ?? []) answers.push(await invoke(fn, null, fields));
        for (const answer of answers) expect(answer, 'every address gets the same answer').toEqual(answers[0]);
        for (const refusal of (await spec.refusals?.(subject)) ?? []) {
          expectRefused(await invoke(fn, null, refusal.fields), refusal.status, `signed out with ${JSON.stringify(refusal.fields)}`);
        }
        expect(await accountDigest(subject), "the victim's account changed").toBe(before);
        expect(await orgDigest(victim), "the victim org's data changed").toBe(orgBefore);
        if (spec.control) {
          expect(await invoke(fn, null, await spec.control(subject)), 'the victim with their mailed link should succeed').toMatchObject({ ok: true });
          expect(await accountDigest(subject), 'the control call should change the victim account').not.toBe(before);
        } else {
          expect(spec.readOnly?.length ?? 0).toBeGreaterThan(10);
        }
        covered.actions++;
        return;
      }

      if (spec.kind === 'org') {
        const lacking = spec.permission === 'member' ? [] : await membersLacking(victim, spec.permission);
        const before = await orgDigest(victim);
        const attackerBefore = await orgDigest(attacker);
        const fields = spec.fields(victim);

        const foreign = [404];
        expectRefused(await invoke(fn, attacker.owner.actor, fields), foreign, "another org's owner with the victim's ids");
        const ids = victimIds(victim);
        if (Object.entries(fields).some(([key, value]) => !ORG_KEYS.includes(key) && [value].flat().some((v) => ids.has(v)))) {
          const own = {
            ...fields,
            ...('orgId' in fields ? { orgId: attacker.org.id } : {}),
            ...('slug' in fields ? { slug: attacker.org.slug } : {}),
            ...('org' in fields ? { org: attacker.org.slug } : {}),
          };
          expectRefused(await invoke(fn, attacker.owner.actor, own), foreign, "another org's owner with their org id and the victim's object ids");
        }
        for (const member of lacking) expectRefused(await invoke(fn, member.actor, fields), [403], `a victim member (${member.label})`);
        expectRefused(await invoke(fn, null, fields), [401], 'a signed-out caller');

        expect(await orgDigest(victim), "the victim org's data changed").toBe(before);
        expect(await orgDigest(attacker), "the attacker org's data changed").toBe(attackerBefore);

        if (spec.noControl) {
          expect(spec.noControl.length).toBeGreaterThan(10);
          covered.actions++;
          return;
        }
        const controlActor = spec.control?.(victim) ?? victim.owner.actor;
        const control = await invoke(fn, controlActor, fields);
        expect(control, 'the control call (the victim with the permission) should succeed').toMatchObject({ ok: true });
        if (!spec.readOnly) expect(await orgDigest(victim), 'the control call should change the victim org').not.toBe(before);
        covered.actions++;
        return;
      }

      const before = await orgDigest(victim);
      for (const refusal of spec.refusals(victim, attacker)) {
        expectRefused(await invoke(fn, refusal.actor, refusal.fields), refusal.status, `${refusal.actor?.label ?? 'signed out'} with ${JSON.stringify(refusal.fields)}`);
      }
      expect(await orgDigest(victim), "the victim org's data changed").toBe(before);
      const control = await invoke(fn, spec.control(victim), spec.fields(victim));
      if (spec.outcome === 'mails') expect(control, 'the newcomer should get a code').toEqual({ ok: true });
      else expect(control, 'the invitee should succeed').toMatchObject({ ok: true, redirect: `/portal/${victim.org.slug}` });
      expect(await orgDigest(victim)).not.toBe(before);
      covered.actions++;
    });
  }
});
