import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createOidcConnection } from './connections';
import { addDomain, approveDomain } from './domains';
import { completeOidc, startSso } from './flow';
import { closeJackson, getJackson, JACKSON_PRODUCT, oidcRedirectUrl } from './jackson';
import { followToRedirectUri, startOidcIdp } from '@/dev/testing/sso/oidc-idp';
import { startPyjwtOidcIdp } from '@/dev/testing/sso/pyjwt-oidc-idp';

/**
 * OIDC sign-in runs in lib/identity/sso/oidc.ts: every request to the provider goes
 * through the outbound guard, and the id_token must be signed by a key the
 * provider publishes. Counterparts: oidc-provider, and a small provider
 * whose id_tokens PyJWT signs.
 */

const saved = { privateUrls: process.env.OUTBOUND_ALLOW_PRIVATE_URLS, nodeEnv: process.env.NODE_ENV };
beforeEach(() => {
  // The providers here listen on loopback, which the guard refuses unless told otherwise.
  process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
});
afterEach(() => {
  if (saved.privateUrls === undefined) delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
  else process.env.OUTBOUND_ALLOW_PRIVATE_URLS = saved.privateUrls;
  (process.env as Record<string, string | undefined>).NODE_ENV = saved.nodeEnv;
});
afterAll(async () => {
  await closeJackson();
});

async function ssoOrg() {
  const org = await createOrg({ tier: 'enterprise' });
  const { actor } = await createStaff('staff-admin');
  const domain = `${uniqueSlug('oidc')}.test`;
  await approveDomain(actor, org.id, (await addDomain(actor, org.id, { domain })).id);
  return { org, actor, domain };
}

/** Starts a sign-in, lets the provider answer (it signs in at once), and completes it with the browser's flow cookie. */
async function signIn(connectionId: string) {
  const start = await startSso({ connectionId });
  const back = await followToRedirectUri(start.redirectUrl!, oidcRedirectUrl());
  return completeOidc({ params: back.searchParams, flowCookie: start.cookie });
}

describe('OIDC id_token signatures (PyJWT)', () => {
  const clientId = 'portcullis-pyjwt';
  const clientSecret = 'pyjwt-client-secret';
  let idp: Awaited<ReturnType<typeof startPyjwtOidcIdp>>;
  beforeEach(async () => {
    idp = await startPyjwtOidcIdp({ clientId, clientSecret });
  });
  afterEach(async () => {
    await idp.close();
  });

  it('(c) accepts an id_token signed with a key the provider publishes, and refuses one signed with any other', async () => {
    const { org, actor, domain } = await ssoOrg();
    const connection = await createOidcConnection(actor, org.id, { name: 'PyJWT IdP', discoveryUrl: idp.discoveryUrl, clientId, clientSecret });

    idp.next({ sub: 'mallory', email: `ceo@${domain}`, signWith: 'foreign' });
    await expect(signIn(connection.id)).rejects.toMatchObject({ reason: 'invalid_signature' });
    expect(await prisma.user.count({ where: { email: `ceo@${domain}` } })).toBe(0);

    idp.next({ sub: 'ann', email: `ann@${domain}`, signWith: 'published' });
    await expect(signIn(connection.id)).resolves.toMatchObject({ kind: 'signin', protocol: 'oidc' });
    expect(await prisma.user.count({ where: { email: `ann@${domain}` } })).toBe(1);
  });

  it('(3) makes the token request through the outbound guard: refused once private addresses are no longer allowed', async () => {
    const { org, domain } = await ssoOrg();
    // A connection stored with static metadata (no discovery fetch), so the token endpoint is the first request at sign-in.
    const jackson = await getJackson();
    const discovery = (await (await fetch(idp.discoveryUrl)).json()) as Record<string, unknown>;
    const record = await jackson.connectionAPIController.createOIDCConnection({
      tenant: org.id,
      product: JACKSON_PRODUCT,
      name: 'static',
      oidcMetadata: discovery,
      oidcClientId: clientId,
      oidcClientSecret: clientSecret,
      defaultRedirectUrl: 'http://localhost/unused',
      redirectUrl: ['http://localhost/unused'],
    } as never);
    const row = await prisma.ssoConnection.create({ data: { orgId: org.id, protocol: 'oidc', name: 'static', jacksonClientId: record.clientID } });
    idp.next({ sub: 'bob', email: `bob@${domain}`, signWith: 'published' });
    const start = await startSso({ connectionId: row.id });
    const back = await followToRedirectUri(start.redirectUrl!, oidcRedirectUrl());
    delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
    await expect(completeOidc({ params: back.searchParams, flowCookie: start.cookie })).rejects.toMatchObject({ reason: 'idp_unreachable' });
    expect(idp.requests.filter((r) => r.path === '/token')).toEqual([]);
    expect(await prisma.user.count({ where: { email: `bob@${domain}` } })).toBe(0);
  });
});

describe('OIDC requests go through the outbound guard (oidc-provider)', () => {
  it('(3) fetches discovery, token, JWKS and userinfo as the guard does, never with its own client', async () => {
    const clientId = 'portcullis-guard';
    const clientSecret = 'guard-secret';
    const oidc = await startOidcIdp({ clientId, clientSecret, redirectUri: oidcRedirectUrl() });
    try {
      const { org, actor, domain } = await ssoOrg();
      const connection = await createOidcConnection(actor, org.id, { name: 'oidc-provider', discoveryUrl: oidc.discoveryUrl, clientId, clientSecret });
      const email = `carol@${domain}`;
      oidc.addUser(email, { email, name: 'Carol Guard' });
      oidc.requests.length = 0;
      const start = await startSso({ connectionId: connection.id, loginHint: email });
      const back = await followToRedirectUri(start.redirectUrl!, oidcRedirectUrl());
      await expect(completeOidc({ params: back.searchParams, flowCookie: start.cookie })).resolves.toMatchObject({ kind: 'signin' });
      const server = oidc.requests.filter((r) => ['/.well-known/openid-configuration', '/token', '/jwks', '/me'].includes(r.path));
      expect(new Set(server.map((r) => r.path))).toEqual(new Set(['/.well-known/openid-configuration', '/token', '/jwks', '/me']));
      // The guard names itself; openid-client alone (as inside Jackson) would say openid-client/…
      expect(server.filter((r) => r.userAgent !== 'Portcullis')).toEqual([]);

      // With private addresses no longer allowed, the sign-in stops before the provider is asked anything.
      oidc.requests.length = 0;
      delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
      await expect(startSso({ connectionId: connection.id, loginHint: email })).rejects.toMatchObject({ reason: 'idp_misconfigured' });
      expect(oidc.requests).toEqual([]);
    } finally {
      await oidc.close();
    }
  });
});

describe('OIDC discovery through the outbound guard', () => {
  let server: Server;
  let base: string;
  const hits: string[] = [];
  const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {};
  beforeEach(async () => {
    hits.length = 0;
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      const route = routes[req.url ?? ''];
      if (route) return route(res);
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const doc = (overrides: Record<string, unknown> = {}) =>
      JSON.stringify({ issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`, ...overrides });
    routes['/ok'] = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(doc());
    routes['/error'] = (res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('internal-secret-4242 at db.internal:5432');
    routes['/html'] = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>internal-secret-4242</h1>');
    routes['/redirect'] = (res) => res.writeHead(302, { location: `${base}/ok` }).end();
    routes['/script-endpoint'] = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(doc({ token_endpoint: 'javascript:alert(1)' }));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function refusal(path: string): Promise<string> {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createStaff('staff-admin');
    const error = await createOidcConnection(actor, org.id, { name: 'x', discoveryUrl: `${base}${path}`, clientId: 'c', clientSecret: 's' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(await prisma.ssoConnection.count({ where: { orgId: org.id } })).toBe(0);
    return (error as ValidationError).fieldErrors.discoveryUrl![0]!;
  }

  it('accepts a real discovery document (control)', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const { actor } = await createStaff('staff-admin');
    await expect(createOidcConnection(actor, org.id, { name: 'ok', discoveryUrl: `${base}/ok`, clientId: 'c', clientSecret: 's' })).resolves.toMatchObject({ protocol: 'oidc' });
  });

  it('answers errors that echo nothing of the response', async () => {
    for (const path of ['/error', '/html']) {
      const message = await refusal(path);
      expect(message).not.toMatch(/internal-secret|db\.internal|500|<h1>/);
      expect(message).toMatch(/Could not read/);
    }
  });

  it('does not follow redirects', async () => {
    expect(await refusal('/redirect')).toMatch(/Could not read/);
    expect(hits).toEqual(['/redirect']);
  });

  it('refuses private addresses unless OUTBOUND_ALLOW_PRIVATE_URLS allows them, without asking them anything', async () => {
    delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
    expect(await refusal('/ok')).toMatch(/private or reserved network/);
    expect(hits).toEqual([]);
  });

  it('refuses a document whose endpoints are not plain http(s) URLs, and plain http in production', async () => {
    expect(await refusal('/script-endpoint')).toMatch(/token_endpoint must be a plain/);
    (process.env as Record<string, string>).NODE_ENV = 'production';
    expect(await refusal('/ok')).toMatch(/must be a plain https:\/\/ URL/);
    process.env.SSO_ALLOW_HTTP_URLS = 'true';
    try {
      const org = await createOrg({ tier: 'enterprise' });
      const { actor } = await createStaff('staff-admin');
      await expect(createOidcConnection(actor, org.id, { name: 'lab', discoveryUrl: `${base}/ok`, clientId: 'c', clientSecret: 's' })).resolves.toMatchObject({ protocol: 'oidc' });
    } finally {
      delete process.env.SSO_ALLOW_HTTP_URLS;
    }
  });
});
