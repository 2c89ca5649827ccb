import { randomUUID } from 'node:crypto';
import { escapeHtml } from '@/lib/platform/html';
import { generateSigningCertificate } from '@/lib/identity/sso/idp/certificate';

/**
 * SAML IdP metadata written by hand, for tests that need what no real IdP
 * library would produce: a SingleSignOnService Location of the attacker's
 * choosing, or only the HTTP-POST binding (so Jackson answers the sign-in
 * with its auto-submitting form instead of a redirect).
 */
export interface HandWrittenIdp {
  entityId: string;
  certificate: string;
  privateKey: string;
  metadata: string;
}

/** `ssoPost`/`ssoRedirect` go into the XML as they are (already XML-escaped where they need to be). */
export function handWrittenIdp(options: { ssoPost?: string; ssoRedirect?: string; entityId?: string } = {}): HandWrittenIdp {
  const { privateKey, certificate } = generateSigningCertificate('hand-written test IdP');
  const entityId = options.entityId ?? `https://idp-${randomUUID().slice(0, 8)}.idp.test/metadata`;
  const body = certificate.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
  const service = (binding: string, location: string) =>
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:${binding}" Location="${location}"/>`;
  const metadata = `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escapeHtml(entityId)}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    ${options.ssoPost ? service('HTTP-POST', options.ssoPost) : ''}
    ${options.ssoRedirect ? service('HTTP-Redirect', options.ssoRedirect) : ''}
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
  return { entityId, certificate, privateKey, metadata };
}

/**
 * The stored-XSS payload from the security review: Jackson's validateSSOURL
 * reads it as a URL on host `localhost`; a browser submitting a form to it
 * runs the line after the newline as script on the page's origin.
 */
export function scriptUrl(marker: string): string {
  return `javascript://localhost/&#10;console.log(${JSON.stringify(marker).replace(/"/g, '&quot;')}+document.domain)`;
}
