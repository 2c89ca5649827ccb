import { createHash, createHmac, randomBytes } from 'node:crypto';
import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import { constantTimeEqual } from '@/lib/crypto/keyed-hash';
import { open, seal } from '@/lib/crypto/secret-box';
import { prisma } from '@/lib/db/client';
import { log } from '@/lib/log';
import { safeRedirectPath } from '@/lib/net/safe-redirect';
import { authorizeOrg } from '@/lib/rbac/authorize';
import { MANAGE } from './connections';
import { reasonFromJackson, SsoError } from './errors';
import { callbackUrl, derivedSecret, getJackson, getJacksonStore, SSO_PATHS } from './jackson';
import { provisionSsoUser, type SsoProfile } from './provision';

/**
 * The SSO sign-in flow around the embedded Jackson:
 *
 *   startSso ──► IdP ──► ACS / OIDC callback (handleSamlResponse / handleOidcResponse)
 *            ──► /api/sso/callback (completeSso) ──► next-auth session
 *
 * Jackson validates the IdP's response (signature, expiry, audience,
 * InResponseTo) and issues a one-time code; completeSso redeems it
 * in-process (PKCE for flows we started), checks the browser's flow cookie,
 * and provisions the user. IdP-initiated SAML arrives at the ACS without a
 * flow; the ACS then signs which connection it came through.
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
  connectionId: string;
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

/** Starts a sign-in (or a settings "test connection") through one of an org's connections. */
export async function startSso(input: { connectionId: string; next?: string | null; mode?: FlowMode; loginHint?: string; actor?: Actor }) {
  const mode = input.mode ?? 'signin';
  const connection = await prisma.ssoConnection.findUnique({ where: { id: input.connectionId }, include: { org: { select: { id: true, status: true } } } });
  if (!connection) throw new SsoError('unknown_connection');
  if (mode === 'test') {
    if (!input.actor) throw new SsoError('error', 'test without actor');
    await authorizeOrg(prisma, input.actor, { id: connection.orgId }, MANAGE);
  } else if (connection.org.status === 'deactivated') {
    throw new SsoError('org_inactive');
  }
  const state = b64url(randomBytes(24));
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
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
  const flow: FlowState = { state, verifier, connectionId: connection.id, next: input.next ? safeRedirectPath(input.next, '/portal') : null, mode, exp: Date.now() + FLOW_TTL_SECONDS * 1000 };
  return {
    redirectUrl: redirectUrl ?? null,
    /** For IdPs that only accept HTTP-POST binding: an auto-submitting HTML form. */
    form: result.authorize_form ?? null,
    cookie: seal(JSON.stringify(flow), FLOW_CONTEXT),
  };
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

/** IDs of every Assertion (and the Response) in a SAML response, and whether it answers a request. */
function samlIds(xml: string): { ids: string[]; issuer: string | null; inResponseTo: boolean } {
  const ids = new Set<string>();
  for (const match of xml.matchAll(/<(?:[\w-]+:)?(?:Assertion|EncryptedAssertion|Response)\b[^>]*?\sID\s*=\s*["']([^"']+)["']/g)) ids.add(match[1]!);
  const issuer = /<(?:[\w-]+:)?Issuer\b[^>]*>\s*([^<\s]+)\s*</.exec(xml)?.[1] ?? null;
  return { ids: [...ids], issuer, inResponseTo: /\sInResponseTo\s*=\s*["'][^"']+["']/.test(xml) };
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

/** The SAML ACS: validates through Jackson, refuses replays, answers where to send the browser. */
export async function handleSamlResponse(body: { SAMLResponse?: string | null; RelayState?: string | null }): Promise<string> {
  if (!body.SAMLResponse) return errorLocation('invalid_response');
  let xml: string;
  try {
    xml = Buffer.from(body.SAMLResponse, 'base64').toString('utf8');
  } catch {
    return errorLocation('invalid_response');
  }
  const { ids, issuer, inResponseTo } = samlIds(xml);
  if (ids.length === 0) return errorLocation('invalid_response');
  const relayState = body.RelayState ?? '';
  const idpInitiated = !relayState.startsWith('boxyhq_jackson_');
  // An unsolicited response must not answer a request; one that does is a replayed SP-initiated response.
  if (idpInitiated && inResponseTo) return errorLocation('replayed');

  const store = await getJacksonStore();
  for (const id of ids) {
    if (await store.wasSeen(`saml:${id}`)) return errorLocation('replayed');
  }
  const jackson = await getJackson();
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
  const expires = new Date(Date.now() + SEEN_ASSERTION_DAYS * 24 * 60 * 60 * 1000);
  for (const id of ids) {
    if (!(await store.markSeen(`saml:${id}`, expires))) return errorLocation('replayed');
  }
  const code = new URL(result.redirect_url).searchParams.get('code');
  if (!code) return toCallback(result.redirect_url);
  if (!idpInitiated) return toCallback(result.redirect_url);

  // IdP-initiated: name the connection Jackson resolved from the issuer, signed so the browser cannot swap it.
  const records = issuer ? await jackson.connectionAPIController.getConnections({ entityId: issuer }) : [];
  const rows = await prisma.ssoConnection.findMany({ where: { jacksonClientId: { in: records.map((r) => r.clientID) } } });
  if (rows.length !== 1) return errorLocation('unknown_connection');
  const cid = rows[0]!.id;
  return toCallback(result.redirect_url, { cid, sig: sign(`${code}|${cid}`) });
}

/** Where the OIDC IdP sends the browser back; Jackson exchanges the IdP's code and validates the id token. */
export async function handleOidcResponse(params: Record<string, string>): Promise<string> {
  const jackson = await getJackson();
  let result: Awaited<ReturnType<typeof jackson.oauthController.oidcAuthzResponse>>;
  try {
    result = await jackson.oauthController.oidcAuthzResponse(params);
  } catch (error) {
    log.info({ err: error }, 'OIDC response refused');
    return errorLocation(reasonFromJackson((error as Error).message));
  }
  if (result.error || !result.redirect_url) {
    log.info({ error: result.error }, 'OIDC response refused');
    return errorLocation(params.error ? 'idp_error' : 'invalid_response');
  }
  return toCallback(result.redirect_url);
}

export type SsoCompletion =
  | { kind: 'signin'; userId: string; next: string; protocol: 'saml' | 'oidc'; createdUser: boolean }
  | { kind: 'test'; next: string; result: string };

export interface TestResult {
  connectionId: string;
  email: string;
  subject: string;
  name: string | null;
  groups: string[];
  at: number;
}

/** Redeems Jackson's code and signs the user in (or reports a connection test). */
export async function completeSso(input: {
  code?: string | null;
  state?: string | null;
  cid?: string | null;
  sig?: string | null;
  error?: string | null;
  flowCookie?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}): Promise<SsoCompletion> {
  if (input.error) throw new SsoError('idp_error', input.error);
  if (!input.code) throw new SsoError('invalid_response');
  const flow = readFlow(input.flowCookie);
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

  const connection = await prisma.ssoConnection.findUnique({ where: { id: connectionId }, include: { org: true } });
  const requested = profile.requested ?? {};
  if (
    !connection ||
    connection.orgId !== requested.tenant ||
    (requested.client_id && requested.client_id !== connection.jacksonClientId)
  ) {
    throw new SsoError('unknown_connection');
  }
  const protocol = connection.protocol === 'oidc' ? 'oidc' : 'saml';
  const ssoProfile: SsoProfile = {
    id: String(profile.id ?? profile.sub ?? ''),
    email: String(profile.email ?? ''),
    firstName: profile.firstName,
    lastName: profile.lastName,
    groups: Array.isArray(profile.groups) ? profile.groups.map(String) : typeof profile.groups === 'string' ? [profile.groups] : [],
    roles: Array.isArray(profile.roles) ? profile.roles.map(String) : [],
  };

  if (flow?.mode === 'test' && input.state) {
    const result: TestResult = {
      connectionId: connection.id,
      email: ssoProfile.email,
      subject: ssoProfile.id,
      name: [ssoProfile.firstName, ssoProfile.lastName].filter(Boolean).join(' ') || null,
      groups: [...(ssoProfile.groups ?? []), ...(ssoProfile.roles ?? [])],
      at: Date.now(),
    };
    await prisma.$transaction((tx) =>
      recordAudit(
        tx,
        { kind: 'user', userId: null, label: ssoProfile.email || 'sso-test', staffRole: null, ip: input.ip, userAgent: input.userAgent },
        { action: 'sso.connection_test', target: { type: 'sso_connection', id: connection.id }, orgId: connection.orgId, metadata: { email: ssoProfile.email, groups: result.groups } },
      ),
    );
    return { kind: 'test', next: flow.next ?? `/portal/${connection.org.slug}/settings/sso`, result: seal(JSON.stringify(result), TEST_RESULT_CONTEXT) };
  }

  const provisioned = await provisionSsoUser({ org: connection.org, provider: connection.jacksonClientId, protocol, profile: ssoProfile, ip: input.ip, userAgent: input.userAgent });
  return { kind: 'signin', userId: provisioned.userId, next: flow?.next ?? `/portal/${connection.org.slug}`, protocol, createdUser: provisioned.createdUser };
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

