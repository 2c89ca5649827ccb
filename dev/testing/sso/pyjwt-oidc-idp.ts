import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal OpenID Connect provider whose id_tokens are signed by PyJWT
 * (Debian's python3-jwt, a JWS implementation we did not write). Its JWKS
 * publishes one RSA key; `signWith` chooses whether the next id_token is
 * signed with that key or with another one the provider never published
 * (under the published key's kid, as an attacker would). The authorization
 * endpoint answers at once with a code, as if the user had signed in.
 */

const PYTHON = process.env.PYJWT_PYTHON ?? '/usr/bin/python3';
const SIGN = `import json, sys, jwt
d = json.load(sys.stdin)
sys.stdout.write(jwt.encode(d["claims"], d["key"], algorithm="RS256", headers={"kid": d["kid"]}))`;

function rsaKey() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), jwk: pair.publicKey.export({ format: 'jwk' }) };
}

export function pyjwtSign(claims: Record<string, unknown>, privateKeyPem: string, kid: string): string {
  return execFileSync(PYTHON, ['-c', SIGN], { input: JSON.stringify({ claims, key: privateKeyPem, kid }) }).toString('utf8');
}

async function readBody(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startPyjwtOidcIdp(options: { clientId: string; clientSecret: string }) {
  const published = rsaKey();
  const foreign = rsaKey();
  const kid = 'published-key';
  let signWith: 'published' | 'foreign' = 'published';
  let user = { sub: 'user-1', email: 'user@example.test' };
  const codes = new Map<string, { nonce: string; redirectUri: string }>();
  const accessTokens = new Map<string, { sub: string; email: string }>();
  const requests: { path: string; userAgent: string }[] = [];

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Jackson-era rule kept by the tests: a plain-HTTP issuer on host localhost.
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;

  server.on('request', (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      requests.push({ path: url.pathname, userAgent: String(req.headers['user-agent'] ?? '') });
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          userinfo_endpoint: `${issuer}/userinfo`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        });
      }
      if (url.pathname === '/jwks') return json(200, { keys: [{ ...published.jwk, kid, use: 'sig', alg: 'RS256' }] });
      if (url.pathname === '/authorize') {
        const code = randomBytes(16).toString('hex');
        const redirectUri = url.searchParams.get('redirect_uri') ?? '';
        codes.set(code, { nonce: url.searchParams.get('nonce') ?? '', redirectUri });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.writeHead(302, { location: back.href });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = await readBody(req);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (!grant || form.get('client_id') !== options.clientId || form.get('client_secret') !== options.clientSecret) return json(400, { error: 'invalid_grant' });
        const now = Math.floor(Date.now() / 1000);
        const claims = { iss: issuer, aud: options.clientId, sub: user.sub, email: user.email, nonce: grant.nonce, iat: now, exp: now + 300 };
        const idToken = pyjwtSign(claims, (signWith === 'published' ? published : foreign).pem, kid);
        const accessToken = randomBytes(16).toString('hex');
        accessTokens.set(accessToken, { ...user });
        return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 300, id_token: idToken });
      }
      if (url.pathname === '/userinfo') {
        const holder = accessTokens.get(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
        return holder ? json(200, holder) : json(401, { error: 'invalid_token' });
      }
      json(404, { error: 'not_found' });
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });

  return {
    issuer,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    requests,
    /** Who the next id_token names, and which key signs it. */
    next(options: { sub: string; email: string; signWith: 'published' | 'foreign' }) {
      user = { sub: options.sub, email: options.email };
      signWith = options.signWith;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
