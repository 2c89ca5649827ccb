import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { createSamlConnection, updateSsoConnection } from './connections';
import { startSso } from './flow';
import { callbackUrl, closeJackson, getJackson, JACKSON_PRODUCT } from './jackson';
import { handWrittenIdp, scriptUrl } from '@/dev/testing/sso/metadata';

/**
 * Stored XSS through SAML metadata: a SingleSignOnService Location of
 * `javascript://localhost/<newline>script` passes Jackson's validateSSOURL,
 * and /api/sso/start served Jackson's auto-submitting form with it as the
 * action, on the portal's origin. Now every IdP URL is checked when saved,
 * the form is checked again when served, and served under its own CSP.
 * (e2e/sso.spec.ts shows in Chromium that no script runs.)
 */

vi.mock('@/lib/identity/auth/session', () => ({ currentActor: async () => ({ kind: 'user', userId: null, label: 'nobody', staffRole: null }) }));
vi.mock('@/lib/identity/auth/config', () => ({ signIn: async () => undefined }));

afterAll(async () => {
  await closeJackson();
});

const EVIL_LOCATIONS = [
  scriptUrl('xss-'), // the review's payload: a newline after a "host" Jackson reads as localhost
  'javascript://localhost/%0Aalert(document.domain)',
  'javascript:alert(1)',
  'data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;',
  'https://idp.example.test/sso&#10;',
  ' https://idp.example.test/sso',
  'https://user:pass@idp.example.test/sso',
];

async function owner() {
  const org = await createOrg({ tier: 'enterprise' });
  const { actor } = await createMember(org.id, 'owner');
  return { org, actor };
}

async function routeStart(connectionId: string) {
  const { GET } = await import('@/app/api/sso/start/route');
  return GET(new NextRequest(`http://localhost:3000/api/sso/start?connection=${encodeURIComponent(connectionId)}`));
}

describe('IdP URLs in SAML metadata', () => {
  it('refuses metadata naming a script, data or malformed URL as its SSO endpoint, and stores nothing', async () => {
    const { org, actor } = await owner();
    for (const location of EVIL_LOCATIONS) {
      for (const binding of ['ssoPost', 'ssoRedirect'] as const) {
        const idp = handWrittenIdp({ [binding]: location });
        const error = await createSamlConnection(actor, org.id, { name: 'Evil', metadataXml: idp.metadata }).catch((e: unknown) => e);
        expect(error, `${binding} ${location}`).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).fieldErrors.metadataXml?.[0]).toMatch(/endpoint that must be a plain http/);
      }
    }
    expect(await prisma.ssoConnection.count({ where: { orgId: org.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { orgId: org.id, action: 'sso.connection_create' } })).toBe(0);
    expect(await (await getJackson()).connectionAPIController.getConnections({ tenant: org.id, product: JACKSON_PRODUCT })).toEqual([]);
  });

  it('refuses the same metadata when a connection is edited', async () => {
    const { org, actor } = await owner();
    const good = handWrittenIdp({ ssoPost: 'https://idp.example.test/sso' });
    const connection = await createSamlConnection(actor, org.id, { name: 'Good', metadataXml: good.metadata });
    const evil = handWrittenIdp({ ssoPost: scriptUrl('xss-'), entityId: good.entityId });
    await expect(updateSsoConnection(actor, org.id, connection.id, { name: 'Good', metadataXml: evil.metadata })).rejects.toBeInstanceOf(ValidationError);
    expect((await startSso({ connectionId: connection.id })).post?.action).toBe('https://idp.example.test/sso');
  });

  it('allows plain http only outside production, or with SSO_ALLOW_HTTP_URLS=true', async () => {
    const { org, actor } = await owner();
    const saved = process.env.NODE_ENV;
    (process.env as Record<string, string>).NODE_ENV = 'production';
    try {
      const lab = handWrittenIdp({ ssoRedirect: 'http://idp.lab.test/sso' });
      await expect(createSamlConnection(actor, org.id, { name: 'Lab', metadataXml: lab.metadata })).rejects.toThrow(/must be a plain https:\/\/ URL/);
      process.env.SSO_ALLOW_HTTP_URLS = 'true';
      await expect(createSamlConnection(actor, org.id, { name: 'Lab', metadataXml: lab.metadata })).resolves.toMatchObject({ protocol: 'saml' });
    } finally {
      (process.env as Record<string, string | undefined>).NODE_ENV = saved;
      delete process.env.SSO_ALLOW_HTTP_URLS;
    }
  });
});

describe('a connection stored before the checks (put into Jackson directly)', () => {
  it('never has its form served: start refuses, the route sends the browser to the error page', async () => {
    const { org } = await owner();
    const idp = handWrittenIdp({ ssoPost: scriptUrl('xss-') });
    // Jackson's own validation lets it through: that is the hole.
    const record = await (await getJackson()).connectionAPIController.createSAMLConnection({
      tenant: org.id,
      product: JACKSON_PRODUCT,
      name: 'Stored before the fix',
      rawMetadata: idp.metadata,
      defaultRedirectUrl: callbackUrl(),
      redirectUrl: [callbackUrl()],
    });
    const row = await prisma.ssoConnection.create({ data: { orgId: org.id, protocol: 'saml', name: 'Stored before the fix', jacksonClientId: record.clientID } });

    await expect(startSso({ connectionId: row.id })).rejects.toMatchObject({ reason: 'idp_misconfigured' });
    const response = await routeStart(row.id);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/\/sign-in\/sso\/error\?reason=idp_misconfigured$/);
    expect(await response.text()).not.toMatch(/javascript|<form/i);
  });
});

describe('the HTTP-POST binding form', () => {
  it('is built from its parts and served under its own CSP: one nonce script, posts only to the IdP, never framed', async () => {
    const { org, actor } = await owner();
    const idp = handWrittenIdp({ ssoPost: 'https://idp.example.test/saml/sso?tenant=a&amp;x=1' });
    const connection = await createSamlConnection(actor, org.id, { name: 'POST IdP', metadataXml: idp.metadata });
    const response = await routeStart(connection.id);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    const html = await response.text();
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp.split('; ')).toEqual([`default-src 'none'`, `script-src 'nonce-${nonce}'`, 'form-action https://idp.example.test', `frame-ancestors 'none'`, `base-uri 'none'`]);
    expect(html).toContain('<form method="post" action="https://idp.example.test/saml/sso?tenant=a&amp;x=1">');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers (Jackson's form has onload)
    expect(html).toMatch(/name="SAMLRequest" value="[A-Za-z0-9+/=]+"/);
    expect(response.headers.get('set-cookie')).toMatch(/portcullis\.sso-flow=/);
    // A new nonce every time.
    const again = await routeStart(connection.id);
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });
});

describe('SAML metadata by URL', () => {
  let server: Server;
  let base: string;
  const hits: { url: string; userAgent: string }[] = [];
  const saved = process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
  let metadata = '';
  beforeEach(async () => {
    process.env.OUTBOUND_ALLOW_PRIVATE_URLS = 'true';
    hits.length = 0;
    metadata = handWrittenIdp({ ssoRedirect: 'https://idp.example.test/sso' }).metadata;
    server = createServer((req, res) => {
      hits.push({ url: req.url ?? '', userAgent: String(req.headers['user-agent']) });
      if (req.url === '/metadata') return res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(metadata);
      if (req.url === '/moved') return res.writeHead(302, { location: `${base}/metadata` }).end();
      if (req.url === '/evil') return res.writeHead(200).end(handWrittenIdp({ ssoPost: scriptUrl('xss-') }).metadata);
      res.writeHead(500).end('internal-secret-4242');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
    else process.env.OUTBOUND_ALLOW_PRIVATE_URLS = saved;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is fetched once, by the outbound guard, and Jackson gets only the XML', async () => {
    const { org } = await owner();
    const { actor: staff } = await createStaff('staff-admin');
    const connection = await createSamlConnection(staff, org.id, { name: 'By URL', metadataUrl: `${base}/metadata` });
    expect(hits).toEqual([{ url: '/metadata', userAgent: 'Portcullis' }]);
    expect(connection.metadataUrl).toBe(`${base}/metadata`);
    const [record] = await (await getJackson()).connectionAPIController.getConnections({ clientID: connection.jacksonClientId });
    expect(record && 'metadataUrl' in record ? record.metadataUrl : undefined).toBeUndefined();
  });

  it('refuses private addresses, redirects, error pages and bad metadata, echoing nothing', async () => {
    const { org } = await owner();
    const { actor: staff } = await createStaff('staff-admin');
    const refusal = async (path: string) => {
      const error = await createSamlConnection(staff, org.id, { name: 'x', metadataUrl: `${base}${path}` }).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(ValidationError);
      return (error as ValidationError).fieldErrors.metadataUrl![0]!;
    };
    expect(await refusal('/moved')).toMatch(/Could not read SAML metadata/);
    expect(await refusal('/broken')).not.toMatch(/internal-secret|500/);
    expect(await refusal('/evil')).toMatch(/endpoint that must be a plain http/);
    expect(hits.map((h) => h.url)).toEqual(['/moved', '/broken', '/evil']);
    delete process.env.OUTBOUND_ALLOW_PRIVATE_URLS;
    expect(await refusal('/metadata')).toMatch(/private or reserved network/);
    expect(hits).toHaveLength(3);
    expect(await prisma.ssoConnection.count({ where: { orgId: org.id } })).toBe(0);
  });
});
