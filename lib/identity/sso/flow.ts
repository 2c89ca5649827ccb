import 'server-only';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { SAMLSSORecord } from '@boxyhq/saml-jackson';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { constantTimeEqual } from '@/lib/platform/crypto/keyed-hash';
import { open, seal } from '@/lib/platform/crypto/secret-box';
import { prisma, type Prisma, type StaffSsoConnection } from '@/lib/platform/db/client';
import { log } from '@/lib/platform/log';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { jacksonRecord, MANAGE } from './connections';
import { reasonFromJackson, SsoError, SsoLinkRequired } from './errors';
import { servableIdpUrl } from './idp-urls';
import { acsUrl, callbackUrl, derivedSecret, getJackson, getJacksonStore, oidcRedirectUrl, spEntityId, SSO_PATHS, STAFF_TENANT } from './jackson';
import { sealPendingLink } from './link';
import { oidcAuthorizationUrl, oidcProfile, type OidcProviderSettings } from './oidc';
import type { AutoPost } from './post-form';
import { checkSamlResponse, samlIssuer } from './saml-response';
import { provisionSsoUser, type SsoProfile } from './provision';
import { staffSsoConnection } from './staff/connection';
import { signInStaffViaSso } from './staff/sign-in';
import { portalFeatureActive } from '@/lib/plans/portal-gate';
import { DAY } from '@/lib/platform/time';

/**
 * The SSO sign-in flow around the embedded Jackson:
 *
 *   SAML: startSso ──► IdP ──► ACS (handleSamlResponse) ──► /api/sso/callback (completeSso) ──► session
 *   OIDC: startSso ──► IdP ──► /api/sso/oidc/callback (completeOidc) ──► session
 *
 * For SAML, Jackson validates the IdP's response (signature, expiry,
 * audience, InResponseTo) and issues a one-time code; completeSso redeems
 * it in-process (PKCE for flows we started), checks the browser's flow
 * cookie, and provisions the user. IdP-initiated SAML arrives at the ACS
 * without a flow; the ACS then signs which connection it came through.
 * OIDC runs in lib/identity/sso/oidc.ts (every request through the outbound guard,
 * the id_token verified against the provider's keys).
 */

export const FLOW_COOKIE = 'portcullis.sso-flow';
export const FLOW_TTL_SECONDS = 10 * 60;
const FLOW_CONTEXT = 'sso-flow';
const TEST_RESULT_CONTEXT = 'sso-test-result';
const SEEN_ASSERTION_DAYS = 7;

export type FlowMode = 'signin' | 'test';

interface FlowState {
  state: string;
  verifier: string;
  /** OIDC only: the nonce the id_token must carry. */
  nonce?: string;
  connectionId: string;
  /** A staff sign-in through the vendor's own IdP (lib/identity/sso/staff): connectionId names a staff_sso_connections row. */
  staff?: true;
  /** Where to land afterwards; null means the org's portal. */
  next: string | null;
  mode: FlowMode;
  exp: number;
}

export function errorLocation(reason: string): string {
  return `/sign-in/sso/error?reason=${encodeURIComponent(reason)}`;
}

function b64url(buffer: Buffer): string {
  return buffer.toString('base64url');
}

function sign(value: string): string {
  return createHmac('sha256', derivedSecret('sso-callback')).update(value).digest('base64url');
}

/** Jackson's HTTP-POST binding form: its action and fields (values HTML-escaped by @boxyhq/saml20's createPostForm). */
function jacksonPostForm(html: string): AutoPost | null {
  const decode = (value: string) =>
    value.replace(/&(amp|lt|gt|quot|#039);/g, (_m, entity: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#039': "'" })[entity]!);
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  const fields: Record<string, string> = {};
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g)) {
    if (name === 'SAMLRequest' || name === 'RelayState') fields[name] = decode(value!);
  }
  return action && fields.SAMLRequest ? { action: decode(action), fields } : null;
}

export interface SsoStart {
  /** Send the browser here (HTTP-Redirect binding, OIDC). */
  redirectUrl: string | null;
  /** Or post this form to the IdP (HTTP-POST binding); never served as markup someone else wrote. */
  post: AutoPost | null;
  cookie: string;
}

/**
 * Starts a sign-in (or a settings "test connection") through one of an org's connections. Where the
 * browser goes is checked again here, at serve time: a connection stored before URLs were checked may
 * name anything, and a `javascript:` form action on the portal's origin is script run as whoever clicked.
 */
export async function startSso(input: { connectionId?: string; staff?: boolean; next?: string | null; mode?: FlowMode; loginHint?: string; actor?: Actor }): Promise<SsoStart> {
  const mode = input.mode ?? 'signin';
  let connection: { id: string; protocol: string; jacksonClientId: string };
  if (input.staff) {
    // The vendor's own IdP: sign-in only (tests of it are sign-ins), never a customer's connection.
    if (mode !== 'signin') throw new SsoError('error', 'staff connections are not tested this way');
    const staff = await staffSsoConnection().catch((error: unknown) => {
      log.warn({ err: error }, 'staff SSO start refused: the connection could not be prepared');
      throw new SsoError('idp_misconfigured');
    });
    if (!staff) throw new SsoError('no_staff_sso');
    connection = staff;
  } else {
    const found = await prisma.ssoConnection.findUnique({ where: { id: input.connectionId ?? '' }, include: { org: { select: { id: true, status: true } } } });
    if (!found) throw new SsoError('unknown_connection');
    if (mode === 'test') {
      if (!input.actor) throw new SsoError('error', 'test without actor');
      await authorizeOrg(prisma, input.actor, { id: found.orgId }, MANAGE);
    } else if (found.org.status === 'deactivated') {
      throw new SsoError('org_inactive');
    } else if (!(await portalFeatureActive(prisma, found.orgId, 'sso'))) {
      throw new SsoError('sso_not_in_plan');
    }
    connection = found;
  }
  const state = b64url(randomBytes(24));
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const flow: FlowState = {
    state,
    verifier,
    connectionId: connection.id,
    ...(input.staff ? { staff: true as const } : {}),
    next: input.next ? safeRedirectPath(input.next, input.staff ? '/admin' : '/portal') : null,
    mode,
    exp: Date.now() + FLOW_TTL_SECONDS * 1000,
  };
  const refuse = (detail: string): never => {
    log.warn({ connectionId: connection.id, detail }, 'SSO start refused: the IdP URL is not servable');
    throw new SsoError('idp_misconfigured', detail);
  };

  if (connection.protocol === 'oidc') {
    const provider = await oidcProvider(connection.jacksonClientId);
    flow.nonce = b64url(randomBytes(24));
    const redirectUrl = await oidcAuthorizationUrl(provider, { redirectUri: oidcRedirectUrl(), state, nonce: flow.nonce, codeChallenge: challenge, loginHint: input.loginHint });
    if (!servableIdpUrl(redirectUrl)) refuse('authorization endpoint');
    return { redirectUrl, post: null, cookie: seal(JSON.stringify(flow), FLOW_CONTEXT) };
  }

  const jackson = await getJackson();
  const result = await jackson.oauthController.authorize({
    client_id: connection.jacksonClientId,
    redirect_uri: callbackUrl(),
    state,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(input.loginHint ? { login_hint: input.loginHint } : {}),
  });
  const redirectUrl = result.redirect_url;
  if (result.error || (!redirectUrl && !result.authorize_form) || (redirectUrl && new URL(redirectUrl).searchParams.has('error') && redirectUrl.startsWith(callbackUrl()))) {
    log.warn({ connectionId: connection.id, error: result.error ?? redirectUrl }, 'SSO authorize refused');
    throw new SsoError('error', result.error);
  }
  let post: AutoPost | null = null;
  if (redirectUrl) {
    if (!servableIdpUrl(redirectUrl)) refuse('redirect binding');
  } else {
    post = jacksonPostForm(result.authorize_form!);
    if (!post || !servableIdpUrl(post.action)) refuse('POST binding');
  }
  return { redirectUrl: redirectUrl ?? null, post, cookie: seal(JSON.stringify(flow), FLOW_CONTEXT) };
}

async function oidcProvider(jacksonClientId: string): Promise<OidcProviderSettings> {
  const record = await jacksonRecord(jacksonClientId);
  if (!record || !('oidcProvider' in record) || !record.oidcProvider) throw new SsoError('unknown_connection');
  const { discoveryUrl, metadata, clientId, clientSecret } = record.oidcProvider;
  return { discoveryUrl, metadata: metadata as Record<string, unknown> | undefined, clientId: clientId ?? '', clientSecret: clientSecret ?? '' };
}

function readFlow(cookie: string | null | undefined): FlowState | null {
  if (!cookie) return null;
  try {
    const flow = JSON.parse(open(cookie, FLOW_CONTEXT)) as FlowState;
    return flow.exp > Date.now() ? flow : null;
  } catch {
    return null;
  }
}

function toCallback(redirectUrl: string, extra: Record<string, string> = {}): string {
  const from = new URL(redirectUrl);
  const to = new URL(SSO_PATHS.callback, 'http://placeholder');
  for (const key of ['code', 'state', 'error', 'error_description']) {
    const value = from.searchParams.get(key);
    if (value !== null) to.searchParams.set(key, value);
  }
  for (const [key, value] of Object.entries(extra)) to.searchParams.set(key, value);
  return `${to.pathname}${to.search}`;
}

/**
 * The SAML ACS: our own checks on the signed content (lib/identity/sso/saml-response.ts), then Jackson's
 * validation, replays refused; answers where to send the browser.
 */
export async function handleSamlResponse(body: { SAMLResponse?: string | null; RelayState?: string | null }): Promise<string> {
  if (!body.SAMLResponse) return errorLocation('invalid_response');
  const xml = Buffer.from(body.SAMLResponse, 'base64').toString('utf8');
  const issuer = samlIssuer(xml);
  if (!issuer) return errorLocation('invalid_response');
  const jackson = await getJackson();
  const records = (await jackson.connectionAPIController.getConnections({ entityId: issuer })).filter(
    (record): record is SAMLSSORecord => 'idpMetadata' in record && !!record.idpMetadata,
  );
  if (records.length === 0) return errorLocation('unknown_connection');
  let checked: ReturnType<typeof checkSamlResponse>;
  try {
    checked = checkSamlResponse(
      xml,
      records.map((record) => ({ publicKey: record.idpMetadata.publicKey, thumbprint: record.idpMetadata.thumbprint })),
      { acsUrl: acsUrl(), audience: spEntityId() },
    );
  } catch (error) {
    if (!(error instanceof SsoError)) throw error;
    log.info({ reason: error.reason, detail: error.detail, issuer }, 'SAML response refused');
    return errorLocation(error.reason);
  }
  const relayState = body.RelayState ?? '';
  const idpInitiated = !relayState.startsWith('boxyhq_jackson_');
  // Staff sign in only through a flow started on our sign-in page: an unsolicited response could sign a browser into /admin.
  if (idpInitiated && records.some((record) => record.tenant === STAFF_TENANT)) return errorLocation('staff_idp_initiated');
  // An unsolicited response must not answer a request; one that does is a replayed SP-initiated response.
  if (idpInitiated && checked.inResponseTo) return errorLocation('replayed');

  const store = await getJacksonStore();
  for (const id of checked.ids) {
    if (await store.wasSeen(`saml:${id}`)) return errorLocation('replayed');
  }
  let result: Awaited<ReturnType<typeof jackson.oauthController.samlResponse>>;
  try {
    result = await jackson.oauthController.samlResponse({ SAMLResponse: body.SAMLResponse, RelayState: relayState });
  } catch (error) {
    log.info({ err: error, issuer }, 'SAML response refused');
    return errorLocation(reasonFromJackson((error as Error).message));
  }
  if (result.error || !result.redirect_url) {
    log.info({ error: result.error, issuer }, 'SAML response refused');
    return errorLocation(result.app_select_form ? 'unknown_connection' : reasonFromJackson(result.error));
  }
  const expires = new Date(Date.now() + SEEN_ASSERTION_DAYS * DAY);
  for (const id of checked.ids) {
    if (!(await store.markSeen(`saml:${id}`, expires))) return errorLocation('replayed');
  }
  const code = new URL(result.redirect_url).searchParams.get('code');
  if (!code) return toCallback(result.redirect_url);
  if (!idpInitiated) return toCallback(result.redirect_url);

  // IdP-initiated: name the connection Jackson resolved from the issuer, signed so the browser cannot swap it.
  const rows = await prisma.ssoConnection.findMany({ where: { jacksonClientId: { in: records.map((r) => r.clientID) } } });
  if (rows.length !== 1) return errorLocation('unknown_connection');
  const cid = rows[0]!.id;
  return toCallback(result.redirect_url, { cid, sig: sign(`${code}|${cid}`) });
}

export type SsoCompletion =
  | { kind: 'signin'; userId: string; next: string; protocol: 'saml' | 'oidc'; createdUser: boolean }
  | { kind: 'test'; next: string; result: string }
  /** The IdP vouched for an existing account whose holder must confirm the link with their password (lib/identity/sso/link.ts). */
  | { kind: 'link'; pending: string };

export interface TestResult {
  connectionId: string;
  email: string;
  subject: string;
  name: string | null;
  groups: string[];
  at: number;
}

interface CompletionContext {
  flowCookie?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * A staff sign-in refused anywhere after the browser came back with its flow (signature, expiry,
 * unknown account, …) is audited too; refusals lib/identity/sso/staff/sign-in.ts audited itself are not
 * written twice.
 */
async function auditingStaffFailure(flow: FlowState | null, context: CompletionContext, run: () => Promise<SsoCompletion>): Promise<SsoCompletion> {
  try {
    return await run();
  } catch (error) {
    if (flow?.staff && error instanceof SsoError && !error.audited) {
      const actor: Actor = { kind: 'user', userId: null, label: 'staff-sso', staffRole: null, ip: context.ip, userAgent: context.userAgent };
      await prisma.$transaction((tx) =>
        recordAudit(tx, actor, {
          action: 'auth.sign_in_failed',
          target: { type: 'staff_sso_connection', id: flow.connectionId },
          metadata: { staff: true, reason: error.reason },
        }),
      );
    }
    throw error;
  }
}

type SamlCompletionInput = {
  code?: string | null;
  state?: string | null;
  cid?: string | null;
  sig?: string | null;
  error?: string | null;
} & CompletionContext;

/** SAML: redeems Jackson's code and signs the user in (or reports a connection test). */
export async function completeSso(input: SamlCompletionInput): Promise<SsoCompletion> {
  const flow = readFlow(input.flowCookie);
  const ours = input.state && flow && constantTimeEqual(flow.state, input.state) ? flow : null;
  return auditingStaffFailure(ours, input, () => completeSaml(input, flow));
}

async function completeSaml(input: {
  code?: string | null;
  state?: string | null;
  cid?: string | null;
  sig?: string | null;
  error?: string | null;
} & CompletionContext, flow: FlowState | null): Promise<SsoCompletion> {
  if (input.error) throw new SsoError('idp_error', input.error);
  if (!input.code) throw new SsoError('invalid_response');
  const jackson = await getJackson();

  let connectionId: string;
  let tokenRequest: Parameters<typeof jackson.oauthController.token>[0];
  if (input.state) {
    if (!flow || !constantTimeEqual(flow.state, input.state)) throw new SsoError('state_mismatch');
    connectionId = flow.connectionId;
    tokenRequest = { code: input.code, grant_type: 'authorization_code', redirect_uri: callbackUrl(), code_verifier: flow.verifier };
  } else {
    if (!input.cid || !input.sig || !constantTimeEqual(sign(`${input.code}|${input.cid}`), input.sig)) throw new SsoError('state_mismatch');
    connectionId = input.cid;
    tokenRequest = { code: input.code, grant_type: 'authorization_code', redirect_uri: callbackUrl(), client_id: 'dummy', client_secret: derivedSecret('jackson-client-secret') };
  }

  let profile: Awaited<ReturnType<typeof jackson.oauthController.userInfo>>;
  try {
    const token = await jackson.oauthController.token(tokenRequest);
    profile = await jackson.oauthController.userInfo(token.access_token);
  } catch (error) {
    log.info({ err: error }, 'SSO code redemption refused');
    throw new SsoError('invalid_response');
  }

  const requested = profile.requested ?? {};
  let connection: ConnectionWithOrg | StaffSsoConnection | null;
  let tenant: string | undefined;
  if (input.state && flow?.staff) {
    connection = await prisma.staffSsoConnection.findUnique({ where: { id: connectionId } });
    tenant = STAFF_TENANT;
  } else {
    const found = await prisma.ssoConnection.findUnique({ where: { id: connectionId }, include: { org: true } });
    connection = found;
    tenant = found?.orgId;
  }
  if (
    !connection ||
    connection.protocol !== 'saml' ||
    tenant !== requested.tenant ||
    (requested.client_id && requested.client_id !== connection.jacksonClientId)
  ) {
    throw new SsoError('unknown_connection');
  }
  const ssoProfile: SsoProfile = {
    id: String(profile.id ?? profile.sub ?? ''),
    email: String(profile.email ?? ''),
    firstName: profile.firstName,
    lastName: profile.lastName,
    groups: Array.isArray(profile.groups) ? profile.groups.map(String) : typeof profile.groups === 'string' ? [profile.groups] : [],
    roles: Array.isArray(profile.roles) ? profile.roles.map(String) : [],
  };
  if ('source' in connection) return finishStaff(connection, ssoProfile, flow!, input);
  return finish(connection, ssoProfile, input.state ? flow : null, input);
}

/** OIDC: the provider's answer at our redirect URI, for the flow this browser started. */
export async function completeOidc(input: { params: URLSearchParams } & CompletionContext): Promise<SsoCompletion> {
  const flow = readFlow(input.flowCookie);
  const state = input.params.get('state');
  if (!flow || !flow.nonce || !state || !constantTimeEqual(flow.state, state)) throw new SsoError('state_mismatch');
  return auditingStaffFailure(flow, input, () => completeOidcFlow(input, flow));
}

async function completeOidcFlow(input: { params: URLSearchParams } & CompletionContext, flow: FlowState): Promise<SsoCompletion> {
  if (input.params.get('error')) throw new SsoError('idp_error', input.params.get('error') ?? undefined);
  const connection = flow.staff
    ? await prisma.staffSsoConnection.findUnique({ where: { id: flow.connectionId } })
    : await prisma.ssoConnection.findUnique({ where: { id: flow.connectionId }, include: { org: true } });
  if (!connection || connection.protocol !== 'oidc') throw new SsoError('unknown_connection');
  const provider = await oidcProvider(connection.jacksonClientId);
  const profile = await oidcProfile(provider, {
    url: new URL(`${oidcRedirectUrl()}?${input.params}`),
    state: flow.state,
    nonce: flow.nonce!,
    codeVerifier: flow.verifier,
  });
  if ('source' in connection) return finishStaff(connection, profile, flow, input);
  return finish(connection, profile, flow, input);
}

type ConnectionWithOrg = Prisma.SsoConnectionGetPayload<{ include: { org: true } }>;

/** After the IdP vouched for someone: a connection test's report, or the user signed in (provisioned just in time). */
async function finish(connection: ConnectionWithOrg, profile: SsoProfile, flow: FlowState | null, context: CompletionContext): Promise<SsoCompletion> {
  const protocol = connection.protocol === 'oidc' ? 'oidc' : 'saml';
  if (flow?.mode === 'test') {
    const result: TestResult = {
      connectionId: connection.id,
      email: profile.email,
      subject: profile.id,
      name: [profile.firstName, profile.lastName].filter(Boolean).join(' ') || null,
      groups: [...(profile.groups ?? []), ...(profile.roles ?? [])],
      at: Date.now(),
    };
    await prisma.$transaction((tx) =>
      recordAudit(
        tx,
        { kind: 'user', userId: null, label: profile.email || 'sso-test', staffRole: null, ip: context.ip, userAgent: context.userAgent },
        { action: 'sso.connection_test', target: { type: 'sso_connection', id: connection.id }, orgId: connection.orgId, metadata: { email: profile.email, groups: result.groups } },
      ),
    );
    return { kind: 'test', next: flow.next ?? `/portal/${connection.org.slug}/settings/sso`, result: seal(JSON.stringify(result), TEST_RESULT_CONTEXT) };
  }

  const next = flow?.next ?? `/portal/${connection.org.slug}`;
  // IdP-initiated responses never passed startSso: inactive connections are checked here too.
  if (!(await portalFeatureActive(prisma, connection.orgId, 'sso'))) throw new SsoError('sso_not_in_plan');
  let provisioned: Awaited<ReturnType<typeof provisionSsoUser>>;
  try {
    provisioned = await provisionSsoUser({ org: connection.org, provider: connection.jacksonClientId, protocol, profile, ip: context.ip, userAgent: context.userAgent });
  } catch (error) {
    // A link is offered only to a sign-in started here in this browser, never to an unsolicited (IdP-initiated) response.
    if (error instanceof SsoLinkRequired && flow) return { kind: 'link', pending: sealPendingLink({ userId: error.userId, email: error.email, connectionId: connection.id, profile, next }) };
    throw error;
  }
  return { kind: 'signin', userId: provisioned.userId, next, protocol, createdUser: provisioned.createdUser };
}

/** A staff member's sign-in through the vendor's IdP (lib/identity/sso/staff/sign-in.ts); lands on /admin. */
async function finishStaff(connection: StaffSsoConnection, profile: SsoProfile, flow: FlowState, context: CompletionContext): Promise<SsoCompletion> {
  const protocol = connection.protocol === 'oidc' ? 'oidc' : 'saml';
  const { userId, createdUser } = await signInStaffViaSso({ connection, protocol, profile, ip: context.ip, userAgent: context.userAgent });
  return { kind: 'signin', userId, next: flow.next ?? '/admin', protocol, createdUser };
}

export function readTestResult(sealed: string | null | undefined): TestResult | null {
  if (!sealed) return null;
  try {
    const result = JSON.parse(open(sealed, TEST_RESULT_CONTEXT)) as TestResult;
    return result.at > Date.now() - 10 * 60 * 1000 ? result : null;
  } catch {
    return null;
  }
}

