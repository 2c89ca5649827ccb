import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { SignJWT } from 'jose';

/**
 * A registry token service (the Docker token auth spec) for CNCF
 * distribution's `auth: token`: checks Basic credentials, answers ES256 JWTs
 * with an x5c certificate that the registry trusts via its rootcertbundle.
 * Lets the interop tests exercise the gateway's Bearer dance against a real
 * registry, and counts how often the gateway fetches a token.
 */
export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  fetches: { scope: string; user: string | null }[];
  stop(): Promise<void>;
}

export async function startTokenServer(options: { port: number; dir: string; user: string; password: string; expiresIn?: number }): Promise<TokenServer> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const keyFile = path.join(options.dir, 'token-key.pem');
  const certFile = path.join(options.dir, 'token-cert.pem');
  fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=portcullis-test-token-issuer', '-days', '2', '-out', certFile], { stdio: 'ignore' });
  const x5c = fs.readFileSync(certFile, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const service = 'portcullis-test-registry';
  const issuer = 'portcullis-test-issuer';
  const fetches: TokenServer['fetches'] = [];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://token.invalid');
      const auth = req.headers.authorization;
      const decoded = auth?.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : null;
      const user = decoded?.split(':')[0] ?? null;
      if (decoded !== `${options.user}:${options.password}`) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"details":"incorrect username or password"}');
        return;
      }
      const scopes = url.searchParams.getAll('scope');
      fetches.push({ scope: scopes.join(' '), user });
      const access = scopes.flatMap((scope) => {
        const [type, name, actions] = scope.split(':');
        return type && name && actions ? [{ type, name, actions: actions.split(',') }] : [];
      });
      const expiresIn = options.expiresIn ?? 300;
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ access })
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c: [x5c] })
        .setIssuer(issuer)
        .setSubject(user ?? '')
        .setAudience(service)
        .setIssuedAt(now)
        .setNotBefore(now - 5)
        .setExpirationTime(now + expiresIn)
        .setJti(randomUUID())
        .sign(privateKey);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token, expires_in: expiresIn, issued_at: new Date(now * 1000).toISOString() }));
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    realm: `http://127.0.0.1:${options.port}/token`,
    service,
    issuer,
    certFile,
    fetches,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
