import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { escapeHtml } from '@/lib/platform/html';

/**
 * SAML responses crafted by hand and signed by xmlsec1 (a counterpart we
 * did not write), so each test can break exactly one thing a real IdP would
 * get right, with a signature that is otherwise valid.
 */

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';

export interface CraftedResponse {
  issuer: string;
  email: string;
  audience: string;
  /** SubjectConfirmationData Recipient. */
  recipient: string;
  /** Response Destination; null leaves it out. */
  destination: string | null;
  /** SubjectConfirmationData NotOnOrAfter. */
  confirmationNotOnOrAfter: Date;
  conditionsNotBefore?: Date;
  conditionsNotOnOrAfter?: Date;
  inResponseTo?: string;
  responseId?: string;
  assertionId?: string;
  /** Sent as the `groups` attribute. */
  groups?: string[];
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The Response with an empty signature template in its Assertion (xmlsec1 fills it in). */
export function responseTemplate(r: CraftedResponse): { xml: string; assertionId: string; responseId: string } {
  const now = new Date();
  const responseId = r.responseId ?? `_r${randomUUID().replace(/-/g, '')}`;
  const assertionId = r.assertionId ?? `_a${randomUUID().replace(/-/g, '')}`;
  const inResponseTo = r.inResponseTo ? ` InResponseTo="${escapeHtml(r.inResponseTo)}"` : '';
  const destination = r.destination === null ? '' : ` Destination="${escapeHtml(r.destination)}"`;
  const notBefore = r.conditionsNotBefore ?? new Date(now.getTime() - 60_000);
  const notOnOrAfter = r.conditionsNotOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<samlp:Response xmlns:samlp="${PROTOCOL}" xmlns:saml="${ASSERTION}" ID="${responseId}" Version="2.0" IssueInstant="${iso(now)}"${destination}${inResponseTo}>
<saml:Issuer>${escapeHtml(r.issuer)}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>
<saml:Assertion ID="${assertionId}" Version="2.0" IssueInstant="${iso(now)}">
<saml:Issuer>${escapeHtml(r.issuer)}</saml:Issuer>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
<ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
<ds:Reference URI="#${assertionId}">
<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue/>
</ds:Reference>
</ds:SignedInfo>
<ds:SignatureValue/>
<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>
</ds:Signature>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${escapeHtml(r.email)}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="${iso(r.confirmationNotOnOrAfter)}" Recipient="${escapeHtml(r.recipient)}"${inResponseTo}/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}">
<saml:AudienceRestriction><saml:Audience>${escapeHtml(r.audience)}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="_s${randomUUID().replace(/-/g, '')}">
<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>
<saml:Attribute Name="email"><saml:AttributeValue>${escapeHtml(r.email)}</saml:AttributeValue></saml:Attribute>
${r.groups?.length ? `<saml:Attribute Name="groups">${r.groups.map((g) => `<saml:AttributeValue>${escapeHtml(g)}</saml:AttributeValue>`).join('')}</saml:Attribute>\n` : ''}</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>`;
  return { xml, assertionId, responseId };
}

/** Signs the template's Assertion with xmlsec1 (the Debian package `xmlsec1`). */
export function signWithXmlsec1(template: string, key: { privateKey: string; certificate: string }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'xmlsec-'));
  try {
    writeFileSync(path.join(dir, 'key.pem'), key.privateKey);
    writeFileSync(path.join(dir, 'cert.pem'), key.certificate);
    writeFileSync(path.join(dir, 'in.xml'), template);
    execFileSync('xmlsec1', [
      '--sign',
      '--privkey-pem',
      `${path.join(dir, 'key.pem')},${path.join(dir, 'cert.pem')}`,
      '--id-attr:ID',
      `${ASSERTION}:Assertion`,
      '--output',
      path.join(dir, 'out.xml'),
      path.join(dir, 'in.xml'),
    ]);
    return readFileSync(path.join(dir, 'out.xml'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** xmlsec1's own verdict on a signed document, for tests that check the counterpart agrees. */
export function verifiesWithXmlsec1(signed: string, certificate: string): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'xmlsec-'));
  try {
    writeFileSync(path.join(dir, 'cert.pem'), certificate);
    writeFileSync(path.join(dir, 'in.xml'), signed);
    execFileSync('xmlsec1', ['--verify', '--pubkey-cert-pem', path.join(dir, 'cert.pem'), '--id-attr:ID', `${ASSERTION}:Assertion`, path.join(dir, 'in.xml')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
