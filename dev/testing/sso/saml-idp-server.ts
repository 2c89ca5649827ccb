import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSigningCertificate } from '@/lib/identity/sso/idp/certificate';
import { createSamlIdp, responsePost, type SamlIdp, type SamlUser } from '@/lib/identity/sso/idp/saml-idp';
import { autoPostPage } from '@/lib/identity/sso/post-form';

/**
 * The samlify IdP over HTTP, for tests that drive a browser: GET /metadata,
 * GET /sso (the AuthnRequest, HTTP-Redirect binding; shows a sign-in form),
 * or POST /sso with a SAMLRequest (HTTP-POST binding; shows the same form),
 * POST /sso with an email (answers the ACS with a signed response),
 * GET /idp-initiated?email= (unsolicited).
 */
export async function startSamlIdpServer(options: {
  port?: number;
  spMetadata: () => Promise<string>;
  users?: Record<string, SamlUser>;
  host?: string;
  /** The binding its metadata offers for AuthnRequests. */
  binding?: 'redirect' | 'post';
  title?: string;
}) {
  const title = options.title ?? 'Test SAML IdP';
  const users = new Map(Object.entries(options.users ?? {}));
  const server: Server = createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const base = `http://${host}:${(server.address() as AddressInfo).port}`;
  const { privateKey, certificate } = generateSigningCertificate('Portcullis test IdP');
  const idp: SamlIdp = createSamlIdp({ entityId: `${base}/metadata#${Date.now().toString(36)}`, ssoUrl: `${base}/sso`, privateKey, certificate, binding: options.binding });
  const userFor = (email: string): SamlUser => users.get(email) ?? { email };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const html = (body: string) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(body);
      };
      if (url.pathname === '/metadata') {
        res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
        return res.end(idp.metadata());
      }
      const signInPage = (query: Record<string, string>) =>
        html(`<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>
<form method="post" action="/sso"><input type="hidden" name="query" value="${encodeURIComponent(JSON.stringify(query))}">
<label>Email <input name="email" type="email" required></label>
<label><input type="checkbox" name="tamper" value="1"> Tamper with the signed response</label>
<button type="submit">Sign in to ${title}</button></form></body></html>`);
      if (url.pathname === '/sso' && req.method === 'GET') return signInPage(Object.fromEntries(url.searchParams));
      if (url.pathname === '/sso' && req.method === 'POST') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        // The SP's AuthnRequest arriving by HTTP-POST binding.
        if (form.has('SAMLRequest')) return signInPage(Object.fromEntries(form));
        const query = JSON.parse(decodeURIComponent(form.get('query') ?? '%7B%7D')) as Record<string, string>;
        const email = form.get('email') ?? '';
        const post = await idp.respond(await options.spMetadata(), query, userFor(email));
        if (form.get('tamper')) {
          // An attacker's edit after signing: claim to be someone else at the same domain.
          const xml = Buffer.from(post.SAMLResponse, 'base64').toString('utf8').replaceAll(email, `admin@${email.split('@')[1]}`);
          post.SAMLResponse = Buffer.from(xml).toString('base64');
        }
        return html(autoPostPage(responsePost(post)).html);
      }
      if (url.pathname === '/idp-initiated') {
        const post = await idp.unsolicited(await options.spMetadata(), userFor(url.searchParams.get('email') ?? ''));
        return html(autoPostPage(responsePost(post)).html);
      }
      res.writeHead(404);
      res.end();
    })().catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? (error.stack ?? error.message) : String(error));
    });
  });

  return {
    idp,
    base,
    metadataUrl: `${base}/metadata`,
    addUser(user: SamlUser) {
      users.set(user.email, user);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
