import 'server-only';
import { randomBytes } from 'node:crypto';
import { recordAudit } from '@/lib/identity/audit/record';
import { systemActor } from '@/lib/identity/auth/actor';
import { publicUrl } from '@/lib/platform/config/public-url';
import { open, seal } from '@/lib/platform/crypto/secret-box';
import { prisma, Prisma } from '@/lib/platform/db/client';
import { escapeHtml } from '@/lib/platform/html';
import { createSamlConnection, deleteSsoConnection } from './connections';
import { addDomain, approveDomain } from './domains';
import { generateSigningCertificate } from './idp/certificate';
import { createSamlIdp, type SamlUser } from './idp/saml-idp';
import { getJackson } from './jackson';
import { setGroupRole, updateSsoPolicy } from './policy';
import { env } from '@/lib/platform/config/env';

/**
 * A built-in SAML identity provider so a newcomer can try customer SSO
 * without an Okta account. Only served in demo and development mode (never
 * in production), and labeled as a demo on every page it shows.
 */

export const DEMO_IDP_PATH = '/api/sso/demo-idp';
const SETTING_KEY = 'sso.demoIdp';
const KEY_CONTEXT = 'sso-demo-idp-key';

export const DEMO_SSO_ORG = { slug: 'initech', domain: 'initech.test' } as const;
export const DEMO_IDP_USERS: readonly (SamlUser & { title: string })[] = [
  { email: 'peter@initech.test', firstName: 'Peter', lastName: 'Gibbons', groups: ['initech-engineers'], title: 'engineer (group initech-engineers → editor)' },
  { email: 'bill@initech.test', firstName: 'Bill', lastName: 'Lumbergh', groups: ['initech-admins'], title: 'IT admin (group initech-admins → admin)' },
  { email: 'milton@initech.test', firstName: 'Milton', lastName: 'Waddams', groups: [], title: 'no groups (gets the default role, viewer)' },
];

export function demoIdpEnabled(): boolean {
  return env('PORTCULLIS_DEMO') === '1' || env('NODE_ENV') === 'development';
}

async function keys(): Promise<{ privateKey: string; certificate: string }> {
  const row = await prisma.setting.findUnique({ where: { key: SETTING_KEY } });
  const stored = row?.value as { certificate?: string; privateKeyEnc?: string } | undefined;
  if (stored?.certificate && stored.privateKeyEnc) return { certificate: stored.certificate, privateKey: open(stored.privateKeyEnc, KEY_CONTEXT) };
  const generated = generateSigningCertificate('Portcullis demo IdP');
  await prisma.setting
    .create({ data: { key: SETTING_KEY, value: { certificate: generated.certificate, privateKeyEnc: seal(generated.privateKey, KEY_CONTEXT) } } })
    .catch((error: unknown) => {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
    });
  return keys();
}

export async function demoIdp() {
  const base = `${publicUrl()}${DEMO_IDP_PATH}`;
  return createSamlIdp({ entityId: `${base}/metadata`, ssoUrl: `${base}/sso`, ...(await keys()) });
}

export async function demoSpMetadata(): Promise<string> {
  return (await getJackson()).spConfig.toXMLMetadata();
}

const DEMO_CONNECTION_NAME = 'Demo IdP (built in)';

/**
 * Connects the demo org to the demo IdP: verified domain, SAML connection, group roles, SSO required.
 * A demo database seeded while the portal answered on another URL (`npm run demo -- --port 3300` after a
 * run on 3000) has its connection pointed at that URL's demo IdP: it is connected to this one instead.
 */
export async function seedDemoSso(): Promise<void> {
  const org = await prisma.organization.findUnique({ where: { slug: DEMO_SSO_ORG.slug } });
  if (!org) return;
  const actor = systemActor('seed');
  const idp = await demoIdp();
  const connections = await prisma.ssoConnection.findMany({ where: { orgId: org.id } });
  if (connections.length > 0) {
    const demo = connections.find((c) => c.name === DEMO_CONNECTION_NAME);
    if (!demo) return;
    const [record] = await (await getJackson()).connectionAPIController.getConnections({ clientID: demo.jacksonClientId });
    const ssoUrl = record && 'idpMetadata' in record ? record.idpMetadata?.sso.redirectUrl : undefined;
    if (ssoUrl === idp.ssoUrl) return;
    await deleteSsoConnection(actor, org.id, demo.id);
    await createSamlConnection(actor, org.id, { name: DEMO_CONNECTION_NAME, metadataXml: idp.metadata() });
    return;
  }
  await createSamlConnection(actor, org.id, { name: DEMO_CONNECTION_NAME, metadataXml: idp.metadata() });
  const domain = await addDomain(actor, org.id, { domain: DEMO_SSO_ORG.domain });
  await approveDomain(actor, org.id, domain.id);
  await setGroupRole(actor, org.id, { groupName: 'initech-admins', role: 'admin' });
  await setGroupRole(actor, org.id, { groupName: 'initech-engineers', role: 'editor' });
  await updateSsoPolicy(actor, org.id, { ssoRequired: 'true', defaultRole: 'viewer' });
  await prisma.$transaction((tx) => recordAudit(tx, actor, { action: 'sso.demo_seed', target: { type: 'organization', id: org.id }, orgId: org.id }));
}

/** The demo IdP's sign-in page: pick a person. Served under its own policy: its one style block by nonce, forms to itself. */
export function demoIdpPage(query: Record<string, string>): { html: string; csp: string } {
  const nonce = randomBytes(18).toString('base64');
  const hidden = Object.entries(query)
    .filter(([key]) => key === 'SAMLRequest' || key === 'RelayState')
    .map(([key, value]) => `<input type="hidden" name="${key}" value="${escapeHtml(value)}">`)
    .join('');
  const buttons = DEMO_IDP_USERS.map(
    (user) =>
      `<li><button type="submit" name="email" value="${escapeHtml(user.email)}"><strong>${escapeHtml(`${user.firstName} ${user.lastName}`)}</strong><span>${escapeHtml(user.email)} · ${escapeHtml(user.title)}</span></button></li>`,
  ).join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Demo identity provider</title>
<style nonce="${nonce}">body{font:15px/1.5 system-ui,sans-serif;background:#f4f4f5;color:#18181b;margin:0;display:grid;place-items:center;min-height:100vh}
main{background:#fff;border:1px solid #e4e4e7;border-radius:12px;padding:28px;max-width:440px;width:calc(100% - 32px);box-shadow:0 1px 2px #0000000d}
.tag{display:inline-block;background:#fef3c7;color:#92400e;border:1px solid #fcd34d;border-radius:999px;padding:2px 10px;font-size:12px;font-weight:600}
h1{font-size:20px;margin:12px 0 4px}p{color:#52525b;margin:0 0 16px}ul{list-style:none;padding:0;margin:0;display:grid;gap:8px}
button{width:100%;text-align:left;border:1px solid #e4e4e7;border-radius:8px;background:#fff;padding:10px 14px;cursor:pointer;font:inherit}
button:hover{background:#f4f4f5}button span{display:block;color:#71717a;font-size:13px}</style></head>
<body><main><span class="tag">Demo only · not a real identity provider</span><h1>Sign in to the demo IdP</h1>
<p>Portcullis runs this SAML identity provider in demo and development mode so you can try customer SSO. Choose who you are:</p>
<form method="post" action="${DEMO_IDP_PATH}/sso">${hidden}<ul>${buttons}</ul></form></main></body></html>`;
  return { html, csp: `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'` };
}
