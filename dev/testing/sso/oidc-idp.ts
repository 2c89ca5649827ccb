import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { escapeHtml } from '@/lib/platform/html';

/**
 * A real OpenID Connect provider (oidc-provider) for tests. Users sign in by
 * email: automatically when the authorization request carries a
 * login_hint, otherwise through a one-field form. Consent is implied.
 * Jackson allows plain-HTTP OIDC issuers only on host `localhost`, so the
 * issuer is http://localhost:<port>.
 */

export interface OidcTestUser {
  email: string;
  name?: string;
  groups?: string[];
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOidcIdp(options: { port?: number; clientId: string; clientSecret: string; redirectUri: string; users?: Record<string, OidcTestUser> }) {
  const users = new Map(Object.entries(options.users ?? {}));
  let server: Server | null = null;
  const port = options.port ?? 0;
  // The issuer must be known before listening; with port 0 we listen first, then build the provider.
  server = createServer();
  await new Promise<void>((resolve) => server!.listen(port, resolve));
  const actualPort = (server.address() as AddressInfo).port;
  const issuer = `http://localhost:${actualPort}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'groups'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => false },
    cookies: { keys: ['oidc-test-cookie-key'] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, id) {
      const user: OidcTestUser = users.get(id) ?? { email: id };
      return {
        accountId: id,
        async claims() {
          const [given, ...rest] = (user.name ?? '').split(' ');
          return { sub: id, email: user.email, email_verified: true, name: user.name, given_name: given || undefined, family_name: rest.join(' ') || undefined, groups: user.groups ?? [] };
        },
      };
    },
  });
  provider.proxy = false;

  async function finishLogin(req: IncomingMessage, res: ServerResponse, accountId: string) {
    await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }

  const callback = provider.callback();
  const requests: { path: string; userAgent: string }[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      requests.push({ path: url.pathname, userAgent: String(req.headers['user-agent'] ?? '') });
      const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
      if (!match) return callback(req, res);
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') {
        const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
        grant.addOIDCScope(String(details.params.scope ?? 'openid email profile'));
        const grantId = await grant.save();
        return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      }
      if (match[2] && req.method === 'POST') {
        const form = await readForm(req);
        return finishLogin(req, res, form.get('email') ?? '');
      }
      const hint = typeof details.params.login_hint === 'string' ? details.params.login_hint : '';
      if (hint) return finishLogin(req, res, hint);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Test OIDC IdP</title></head><body><h1>Test OIDC IdP</h1>
<form method="post" action="/interaction/${escapeHtml(details.uid)}/login"><label>Email <input name="email" type="email" required></label>
<button type="submit">Sign in to Test OIDC IdP</button></form></body></html>`);
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    /** Every request the provider received: path and user agent. */
    requests,
    addUser(id: string, user: OidcTestUser) {
      users.set(id, user);
    },
    async close() {
      server!.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

/** Follows the IdP's redirects like a browser (with a cookie jar) until it sends the browser to `redirectUri`. */
export async function followToRedirectUri(url: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  let current = new URL(url);
  for (let hop = 0; hop < 15; hop++) {
    if (current.href.startsWith(redirectUri)) return current;
    const response = await fetch(current, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const [name, ...value] = pair!.split('=');
      jar.set(name!.trim(), value.join('='));
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`IdP stopped at ${current.href} with ${response.status}: ${(await response.text()).slice(0, 300)}`);
    current = new URL(location, current);
  }
  throw new Error('too many redirects');
}
