import { afterAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { createOrg, createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createSamlConnection } from './connections';
import { addDomain, approveDomain } from './domains';
import { completeSso, handleSamlResponse } from './flow';
import { acsUrl, closeJackson, spEntityId } from './jackson';
import { handWrittenIdp } from '@/dev/testing/sso/metadata';
import { responseTemplate, signWithXmlsec1, verifiesWithXmlsec1, type CraftedResponse } from '@/dev/testing/sso/xmlsec';

/**
 * The SAML checks @boxyhq/saml20 (inside Jackson) gets wrong, against
 * responses crafted here and signed by xmlsec1: each breaks one rule and is
 * otherwise valid, and xmlsec1 agrees its signature verifies. The control
 * (nothing broken) signs someone in, so each refusal is about its one rule.
 */

afterAll(async () => {
  await closeJackson();
});

async function world() {
  const org = await createOrg({ tier: 'enterprise' });
  const { actor } = await createStaff('staff-admin');
  const idp = handWrittenIdp({ ssoRedirect: 'https://idp.example.test/sso' });
  await createSamlConnection(actor, org.id, { name: 'Crafted IdP', metadataXml: idp.metadata });
  const domain = `${uniqueSlug('saml')}.test`;
  await approveDomain(actor, org.id, (await addDomain(actor, org.id, { domain })).id);
  const email = (name: string) => `${name}@${domain}`;
  const fields = (name: string): CraftedResponse => ({
    issuer: idp.entityId,
    email: email(name),
    audience: spEntityId(),
    recipient: acsUrl(),
    destination: acsUrl(),
    confirmationNotOnOrAfter: new Date(Date.now() + 5 * 60_000),
  });
  /** Signs the response with the IdP's key (xmlsec1) and posts it to the ACS as an IdP-initiated sign-in. */
  async function post(response: CraftedResponse, edit: (signed: string, ids: { assertionId: string; responseId: string }) => string = (x) => x) {
    const template = responseTemplate(response);
    const signed = edit(signWithXmlsec1(template.xml, idp), template);
    const location = await handleSamlResponse({ SAMLResponse: Buffer.from(signed).toString('base64'), RelayState: null });
    const reason = location.startsWith('/sign-in/sso/error') ? new URL(location, 'http://x').searchParams.get('reason') : null;
    return { signed, location, reason, verifies: verifiesWithXmlsec1(signed, idp.certificate) };
  }
  return { org, idp, email, fields, post };
}

async function signIn(location: string) {
  const q = new URL(location, 'http://x').searchParams;
  return completeSso({ code: q.get('code'), cid: q.get('cid'), sig: q.get('sig') });
}

const users = (email: string) => prisma.user.count({ where: { email } });

describe('SAML responses signed by xmlsec1', () => {
  it('control: a correct response signs the person in', async () => {
    const w = await world();
    const result = await w.post(w.fields('control'));
    expect(result.verifies).toBe(true);
    expect(result.reason).toBeNull();
    await expect(signIn(result.location)).resolves.toMatchObject({ kind: 'signin', next: `/portal/${w.org.slug}` });
    expect(await users(w.email('control'))).toBe(1);
  });

  it('(a) requires the Audience to be our SP entity ID exactly, not a string that starts with it', async () => {
    const w = await world();
    for (const audience of [`${spEntityId()}.attacker.example`, `${spEntityId()}/other-app`, 'https://other-app.example/saml']) {
      const result = await w.post({ ...w.fields('aud'), audience });
      expect(result.verifies).toBe(true);
      expect(result.reason, audience).toBe('wrong_audience');
    }
    expect(await users(w.email('aud'))).toBe(0);
  });

  it('(b) refuses a replay whose IDs are written as character references', async () => {
    const w = await world();
    const first = await w.post(w.fields('replay'));
    expect(first.reason).toBeNull();
    // The same signed document: &#95; is "_", canonicalization makes it the same bytes, so the signature still verifies.
    const encoded = first.signed.replace(/ ID="_/g, ' ID="&#95;');
    expect(encoded).not.toBe(first.signed);
    expect(verifiesWithXmlsec1(encoded, w.idp.certificate)).toBe(true);
    const again = await handleSamlResponse({ SAMLResponse: Buffer.from(encoded).toString('base64'), RelayState: null });
    expect(again).toBe('/sign-in/sso/error?reason=replayed');
  });

  it('(d) refuses an unsigned response explicitly', async () => {
    const w = await world();
    const result = await w.post(w.fields('unsigned'), (signed) => signed.replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, ''));
    expect(result.reason).toBe('unsigned');
    expect(await users(w.email('unsigned'))).toBe(0);
  });

  it('refuses a second, unsigned assertion beside the signed one (signature wrapping)', async () => {
    const w = await world();
    const result = await w.post(w.fields('wrapped'), (signed) => {
      const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(signed)![0];
      const forged = assertion
        .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
        .replace(/ ID="[^"]+"/, ' ID="_forged"')
        .replaceAll(w.email('wrapped'), w.email('admin'));
      return signed.replace('</samlp:Response>', `${forged}</samlp:Response>`);
    });
    expect(result.verifies).toBe(true);
    expect(result.reason).toBe('invalid_response');
    expect(await users(w.email('admin'))).toBe(0);
  });

  it('(e) requires the SubjectConfirmationData Recipient to be our ACS URL', async () => {
    const w = await world();
    const result = await w.post({ ...w.fields('recipient'), recipient: 'https://other-app.example/saml/acs' });
    expect(result.verifies).toBe(true);
    expect(result.reason).toBe('wrong_destination');
    expect(await users(w.email('recipient'))).toBe(0);
  });

  it('(e) refuses a SubjectConfirmationData past its NotOnOrAfter while the Conditions are still current', async () => {
    const w = await world();
    const result = await w.post({ ...w.fields('late'), confirmationNotOnOrAfter: new Date(Date.now() - 60 * 60_000) });
    expect(result.verifies).toBe(true);
    expect(result.reason).toBe('expired');
    expect(await users(w.email('late'))).toBe(0);
  });

  it('(e) requires the Response Destination, when given, to be our ACS URL', async () => {
    const w = await world();
    const result = await w.post({ ...w.fields('destination'), destination: 'https://other-app.example/saml/acs' });
    expect(result.verifies).toBe(true);
    expect(result.reason).toBe('wrong_destination');
    expect(await users(w.email('destination'))).toBe(0);
    // Without a Destination (the Response itself is not signed), the response is fine.
    const without = await w.post({ ...w.fields('nodestination'), destination: null });
    expect(without.reason).toBeNull();
  });
});
