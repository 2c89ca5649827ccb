import 'server-only';
import * as client from 'openid-client';
import { ValidationError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import { OutboundError, outboundRequest } from '@/lib/platform/net/outbound';
import { SsoError } from './errors';
import { assertIdpUrl, idpUrlProblem, ssoHttpAllowed } from './idp-urls';
import type { SsoProfile } from './provision';

/**
 * The OpenID Connect relying party, run here rather than inside Jackson.
 * Jackson's OIDC client fetches the discovery document, the token endpoint
 * and the userinfo endpoint with its own http.request (any address, no
 * guard), and never checks the id_token's signature (openid-client skips it
 * for tokens from the token endpoint unless non-repudiation checks are on).
 * Here openid-client makes every request through the outbound guard
 * (customFetch), the id_token's signature is verified against the
 * provider's JWKS (enableNonRepudiationChecks, JWKS fetched through the
 * guard too), and state, nonce and PKCE are checked. Jackson still stores
 * the connection (client secret encrypted).
 */

const TIMEOUT_MS = 10_000;
const MAX_DISCOVERY_BYTES = 512 * 1024;
const UNREADABLE = 'Could not read an OpenID Connect discovery document from this URL. Check the address.';

export interface OidcProviderSettings {
  discoveryUrl?: string;
  /** Static metadata (connections Jackson stored with metadata instead of a discovery URL). */
  metadata?: Record<string, unknown>;
  clientId: string;
  clientSecret: string;
}

function bodyOf(body: client.CustomFetchOptions['body']): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('streamed request bodies are not sent to identity providers');
}

/** openid-client's fetch: every request goes through the outbound guard, which never follows redirects. */
const guardedFetch: client.CustomFetch = async (url, options) => {
  const response = await outboundRequest(url, {
    method: options.method === 'POST' ? 'POST' : 'GET',
    headers: { ...options.headers, 'user-agent': 'Portcullis' },
    body: bodyOf(options.body),
    allowHttp: ssoHttpAllowed(),
    timeoutMs: TIMEOUT_MS,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const item of [value ?? []].flat()) headers.append(name, item);
  }
  const empty = [101, 204, 205, 304].includes(response.status);
  return new Response(empty ? null : new Uint8Array(response.body), { status: response.status, headers });
};

/** The endpoints a discovery document names are URLs the server fetches or browsers are sent to: each must pass. */
function assertEndpoints(document: Record<string, unknown>, field: string): void {
  for (const key of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri']) {
    if (typeof document[key] !== 'string') throw ValidationError.field(field, `The discovery document has no "${key}": is this an OpenID Connect provider?`);
  }
  for (const [key, value] of Object.entries(document)) {
    if (key !== 'issuer' && key !== 'jwks_uri' && !key.endsWith('_endpoint')) continue;
    const problem = typeof value === 'string' ? idpUrlProblem(value) : 'must be a URL';
    if (problem) throw ValidationError.field(field, `The discovery document's ${key} ${problem}.`);
  }
}

/**
 * The provider's discovery document, fetched through the outbound guard.
 * Errors say what to fix and never echo the response (status or body).
 */
export async function fetchDiscovery(discoveryUrl: string, field = 'discoveryUrl'): Promise<client.ServerMetadata> {
  assertIdpUrl(discoveryUrl, field, 'The discovery URL');
  let document: unknown;
  try {
    const response = await outboundRequest(discoveryUrl, {
      headers: { accept: 'application/json' },
      allowHttp: ssoHttpAllowed(),
      timeoutMs: TIMEOUT_MS,
      maxResponseBytes: MAX_DISCOVERY_BYTES,
    });
    if (response.status !== 200) throw ValidationError.field(field, UNREADABLE);
    document = JSON.parse(response.body.toString('utf8'));
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw ValidationError.field(field, error instanceof OutboundError ? error.message : UNREADABLE);
  }
  if (!document || typeof document !== 'object' || Array.isArray(document)) throw ValidationError.field(field, UNREADABLE);
  assertEndpoints(document as Record<string, unknown>, field);
  return document as client.ServerMetadata;
}

async function configurationFor(provider: OidcProviderSettings): Promise<client.Configuration> {
  let metadata: client.ServerMetadata;
  try {
    if (provider.discoveryUrl) metadata = await fetchDiscovery(provider.discoveryUrl);
    else {
      const stored = provider.metadata ?? {};
      assertEndpoints(stored, 'metadata');
      metadata = stored as unknown as client.ServerMetadata;
    }
  } catch (error) {
    log.warn({ err: error }, 'OIDC provider metadata refused');
    const unreachable = error instanceof ValidationError && Object.values(error.fieldErrors).flat().some((m) => m.startsWith('Could not'));
    throw new SsoError(unreachable ? 'idp_unreachable' : 'idp_misconfigured');
  }
  // Client secret sent in the token request's body, as Jackson did.
  const config = new client.Configuration(metadata, provider.clientId, provider.clientSecret);
  config[client.customFetch] = guardedFetch;
  config.timeout = TIMEOUT_MS / 1000;
  if (ssoHttpAllowed()) client.allowInsecureRequests(config);
  client.enableNonRepudiationChecks(config);
  return config;
}

export interface OidcAuthorization {
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  loginHint?: string;
}

export async function oidcAuthorizationUrl(provider: OidcProviderSettings, request: OidcAuthorization): Promise<string> {
  const config = await configurationFor(provider);
  return client.buildAuthorizationUrl(config, {
    redirect_uri: request.redirectUri,
    scope: 'openid email profile',
    state: request.state,
    nonce: request.nonce,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    ...(request.loginHint ? { login_hint: request.loginHint } : {}),
  }).href;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

/** Why openid-client refused (it wraps the cause: walk the chain), as the reason users see; the details go to the log only. */
function refusal(error: unknown): SsoError {
  const chain: unknown[] = [];
  for (let current: unknown = error; current && chain.length < 5; current = (current as { cause?: unknown }).cause) chain.push(current);
  const found = (test: (e: { code?: string; message?: string }) => boolean) => chain.some((e) => test(e as { code?: string; message?: string }));
  const sso = chain.find((e): e is SsoError => e instanceof SsoError);
  if (sso) return sso;
  if (chain.some((e) => e instanceof OutboundError)) return new SsoError('idp_unreachable');
  if (found((e) => e.code === 'OAUTH_KEY_SELECTION_FAILED' || /signature/i.test(e.message ?? ''))) return new SsoError('invalid_signature');
  if (found((e) => e.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED')) return new SsoError('expired');
  if (chain.some((e) => e instanceof client.AuthorizationResponseError)) return new SsoError('idp_error');
  return new SsoError('invalid_response');
}

/**
 * The IdP's answer at our redirect URI: exchanges the code (PKCE), verifies
 * the id_token (signature against the JWKS, issuer, audience, expiry,
 * nonce), reads userinfo, and returns who the provider vouched for.
 */
export async function oidcProfile(
  provider: OidcProviderSettings,
  callback: { url: URL; state: string; nonce: string; codeVerifier: string },
): Promise<SsoProfile> {
  try {
    const config = await configurationFor(provider);
    const tokens = await client.authorizationCodeGrant(config, callback.url, {
      pkceCodeVerifier: callback.codeVerifier,
      expectedNonce: callback.nonce,
      expectedState: callback.state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    const userinfo: Record<string, unknown> = config.serverMetadata().userinfo_endpoint ? await client.fetchUserInfo(config, tokens.access_token, claims.sub) : {};
    const pick = (key: string) => claims[key] ?? userinfo[key];
    return {
      id: claims.sub,
      email: text(pick('email')) ?? '',
      firstName: text(pick('given_name')),
      lastName: text(pick('family_name')),
      groups: list(pick('groups')),
      roles: list(pick('roles')),
    };
  } catch (error) {
    log.info({ err: error }, 'OIDC response refused');
    throw refusal(error);
  }
}
