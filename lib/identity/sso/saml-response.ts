import 'server-only';
import type { Element } from '@xmldom/xmldom';
import { SsoError } from './errors';
import { saml20 } from './saml20';
import { childElements, parseXml } from './xml';

/**
 * Checks on a SAML Response that @boxyhq/saml20 (inside Jackson) gets
 * wrong or leaves out, made before Jackson sees it, on the parsed document
 * and on the content its signature actually covers:
 *
 * - it must be signed (saml20 refuses an unsigned one only because
 *   xml-crypto crashes on the missing signature), by the IdP's key, and
 *   cover the one Assertion there is (no second, unsigned one beside it);
 * - the Audience must equal our SP entity ID (saml20 accepts any audience
 *   that starts with it);
 * - a bearer SubjectConfirmationData must name our ACS URL as Recipient
 *   and must not be past its NotOnOrAfter, and a Response Destination must
 *   be our ACS URL (saml20 checks none of these);
 * - the IDs for the replay cache are read from the signed content as the
 *   parser has them, so `ID="&#95;a…"` is the same assertion as `ID="_a…"`.
 */

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** Clock skew allowed on SubjectConfirmationData times. */
const SKEW_MS = 3 * 60 * 1000;

export interface IdpKey {
  /** PEM certificate(s) from the metadata (comma-separated when several), or a SHA-1 thumbprint. */
  publicKey?: string;
  thumbprint?: string;
}

export interface SamlExpectations {
  acsUrl: string;
  audience: string;
  now?: Date;
}

export interface CheckedSamlResponse {
  /** IDs of the signed content (the assertion's, and the response's when that is signed), for the replay cache. */
  ids: string[];
  /** Whether it answers a request (InResponseTo on the response or in the signed subject confirmation). */
  inResponseTo: boolean;
}

/** The Response's Issuer (where Jackson looks too), to find the connection, and so the key, it claims to come from. */
export function samlIssuer(xml: string): string | null {
  try {
    return text(childElements(parseXml(xml).documentElement!, ASSERTION, 'Issuer')[0]) || null;
  } catch {
    return null;
  }
}

function text(element: Element | undefined): string {
  return element?.textContent?.trim() ?? '';
}

function time(value: string | null): number | null {
  if (!value) return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}

/** The signed content, as xml-crypto (through saml20, as Jackson calls it) vouches for it; null if no key verifies it. */
function signedContent(xml: string, keys: IdpKey[]): Element | null {
  for (const key of keys) {
    let signed: string | null = null;
    try {
      signed = saml20.validateSignature(xml, key.publicKey ?? null, key.publicKey ? null : (key.thumbprint ?? null));
    } catch {
      signed = null;
    }
    if (signed) {
      try {
        return parseXml(signed).documentElement!;
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function checkSamlResponse(xml: string, keys: IdpKey[], expected: SamlExpectations): CheckedSamlResponse {
  let root: Element;
  try {
    root = parseXml(xml).documentElement!;
  } catch {
    throw new SsoError('invalid_response', 'not well-formed XML');
  }
  if (root.namespaceURI !== PROTOCOL || root.localName !== 'Response') throw new SsoError('invalid_response', 'not a SAML Response');
  // We publish no encryption key, so an IdP has nothing to encrypt for.
  if (root.getElementsByTagNameNS(ASSERTION, 'EncryptedAssertion').length > 0) throw new SsoError('invalid_response', 'encrypted assertion');
  const assertions = root.getElementsByTagNameNS(ASSERTION, 'Assertion');
  const assertion = childElements(root, ASSERTION, 'Assertion')[0];
  if (assertions.length !== 1 || !assertion) throw new SsoError('invalid_response', 'exactly one Assertion expected');

  const responseSigned = childElements(root, DSIG, 'Signature').length > 0;
  const assertionSigned = childElements(assertion, DSIG, 'Signature').length > 0;
  if (!responseSigned && !assertionSigned) throw new SsoError('unsigned');

  const signed = signedContent(xml, keys);
  if (!signed || signed.namespaceURI !== (signed.localName === 'Response' ? PROTOCOL : ASSERTION)) throw new SsoError('invalid_signature');
  let signedAssertion: Element;
  const ids: string[] = [];
  if (signed.localName === 'Response' && signed.getAttribute('ID') === root.getAttribute('ID')) {
    const inner = childElements(signed, ASSERTION, 'Assertion');
    if (inner.length !== 1) throw new SsoError('invalid_response', 'exactly one Assertion expected');
    signedAssertion = inner[0]!;
    ids.push(signed.getAttribute('ID')!);
  } else if (signed.localName === 'Assertion' && signed.getAttribute('ID') === assertion.getAttribute('ID')) {
    signedAssertion = signed;
  } else {
    // The signature covers some other element than this response or its one assertion.
    throw new SsoError('invalid_signature', 'signature does not cover the assertion');
  }
  const assertionId = signedAssertion.getAttribute('ID');
  if (!assertionId) throw new SsoError('invalid_response', 'assertion without ID');
  ids.push(assertionId);

  const now = (expected.now ?? new Date()).getTime();
  const conditions = childElements(signedAssertion, ASSERTION, 'Conditions')[0];
  const restrictions = conditions ? childElements(conditions, ASSERTION, 'AudienceRestriction') : [];
  if (restrictions.length === 0 || !restrictions.every((r) => childElements(r, ASSERTION, 'Audience').some((a) => text(a) === expected.audience))) {
    throw new SsoError('wrong_audience');
  }

  const subject = childElements(signedAssertion, ASSERTION, 'Subject')[0];
  const confirmations = (subject ? childElements(subject, ASSERTION, 'SubjectConfirmation') : [])
    .filter((c) => c.getAttribute('Method') === BEARER)
    .map((c) => childElements(c, ASSERTION, 'SubjectConfirmationData')[0])
    .filter((data): data is Element => !!data);
  const forUs = confirmations.filter((data) => data.getAttribute('Recipient') === expected.acsUrl);
  if (forUs.length === 0) throw new SsoError('wrong_destination', 'SubjectConfirmationData Recipient');
  const current = forUs.filter((data) => {
    const notOnOrAfter = time(data.getAttribute('NotOnOrAfter'));
    const notBefore = time(data.getAttribute('NotBefore'));
    return notOnOrAfter !== null && now < notOnOrAfter + SKEW_MS && (notBefore === null || now >= notBefore - SKEW_MS);
  });
  if (current.length === 0) throw new SsoError('expired', 'SubjectConfirmationData NotOnOrAfter');

  const destination = (signed.localName === 'Response' ? signed : root).getAttribute('Destination');
  if ((destination !== null && destination !== '') || signed.localName === 'Response') {
    if (destination !== expected.acsUrl) throw new SsoError('wrong_destination', 'Response Destination');
  }

  const answers = !!root.getAttribute('InResponseTo') || current.some((data) => !!data.getAttribute('InResponseTo'));
  return { ids, inResponseTo: answers };
}
