import 'server-only';
import { ValidationError } from '@/lib/platform/errors';
import { outboundRequest } from '@/lib/platform/net/outbound';
import { assertIdpUrl, idpUrlProblem, ssoHttpAllowed } from './idp-urls';
import { saml20 } from './saml20';
import { allElements, parseXml } from './xml';

/** Jackson's own limit for metadata it fetched by URL. */
const MAX_METADATA_BYTES = 1_000_000;
const URL_ATTRIBUTES = ['Location', 'ResponseLocation'];

type Field = 'metadataXml' | 'metadataUrl';

/**
 * The IdP metadata for a SAML connection, as XML for Jackson. A metadata URL
 * is fetched here, through the outbound guard (no private addresses, no
 * redirects, generic errors): Jackson's own fetch follows redirects and
 * reaches any address, so it never gets a URL. Every URL the metadata names
 * is then checked (see idp-urls.ts), with both parsers that read it: ours
 * (every Location attribute) and the one Jackson uses (the SSO and logout
 * URLs it will serve).
 */
export async function samlMetadataXml(input: { metadataXml?: string; metadataUrl?: string }): Promise<{ xml: string; field: Field }> {
  if (input.metadataUrl) {
    assertIdpUrl(input.metadataUrl, 'metadataUrl', 'The metadata URL');
    const failed = () => ValidationError.field('metadataUrl', 'Could not read SAML metadata from this URL. Check the address, or paste the XML instead.');
    let body: Buffer;
    try {
      const response = await outboundRequest(input.metadataUrl, {
        headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' },
        allowHttp: ssoHttpAllowed(),
        maxResponseBytes: MAX_METADATA_BYTES,
      });
      if (response.status !== 200) throw failed();
      body = response.body;
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      // The guard's own message says what kind of refusal it was, and nothing else.
      throw ValidationError.field('metadataUrl', (error as Error).message);
    }
    const xml = body.toString('utf8');
    if (!xml.includes('EntityDescriptor')) throw failed();
    await assertSamlMetadataUrls(xml, 'metadataUrl');
    return { xml, field: 'metadataUrl' };
  }
  const xml = input.metadataXml ?? '';
  await assertSamlMetadataUrls(xml, 'metadataXml');
  return { xml, field: 'metadataXml' };
}

export async function assertSamlMetadataUrls(xml: string, field: Field): Promise<void> {
  let locations: string[];
  try {
    locations = allElements(parseXml(xml)).flatMap((element) =>
      URL_ATTRIBUTES.filter((name) => element.hasAttribute(name)).map((name) => element.getAttribute(name) ?? ''),
    );
  } catch {
    throw ValidationError.field(field, 'This metadata is not well-formed XML.');
  }
  let parsed: Record<string, { postUrl?: string; redirectUrl?: string } | undefined>;
  try {
    parsed = (await saml20.parseMetadata(xml, {})) as typeof parsed;
  } catch (error) {
    if (error instanceof TypeError) throw error; // a bug here, not bad metadata
    throw ValidationError.field(field, 'This does not look like SAML metadata.');
  }
  for (const service of [parsed.sso, parsed.slo]) {
    for (const url of [service?.postUrl, service?.redirectUrl]) if (typeof url === 'string') locations.push(url);
  }
  for (const location of locations) {
    const problem = idpUrlProblem(location);
    if (problem) throw ValidationError.field(field, `The metadata names an endpoint that ${problem}: ${JSON.stringify(location.slice(0, 200))}.`);
  }
}
