import { randomUUID } from 'node:crypto';
import validator from '@authenio/samlify-node-xmllint';
import samlify from 'samlify';
import { escapeHtml } from '@/lib/platform/html';
import type { AutoPost } from '../post-form';

/**
 * A SAML 2.0 identity provider built on samlify: parses an SP's
 * AuthnRequest (HTTP-Redirect binding) and answers with a signed Response
 * for the HTTP-POST binding. Powers the demo IdP and the tests' IdP; the
 * options that break a response on purpose exist for the tests.
 */

let validatorSet = false;
function ensureValidator() {
  if (!validatorSet) {
    samlify.setSchemaValidator(validator);
    validatorSet = true;
  }
}

export interface SamlUser {
  email: string;
  firstName?: string;
  lastName?: string;
  groups?: string[];
}

export interface ResponseOptions {
  /** Defaults to the SP's entity ID. */
  audience?: string;
  /** Defaults to five minutes from now. */
  notOnOrAfter?: Date;
  notBefore?: Date;
}

export interface SamlPost {
  acsUrl: string;
  SAMLResponse: string;
  RelayState: string | null;
}

const BASIC = 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic';
const ATTRIBUTES = [
  { name: 'email', valueTag: 'email', nameFormat: BASIC, valueXsiType: 'xs:string' },
  { name: 'firstName', valueTag: 'firstName', nameFormat: BASIC, valueXsiType: 'xs:string' },
  { name: 'lastName', valueTag: 'lastName', nameFormat: BASIC, valueXsiType: 'xs:string' },
  { name: 'groups', valueTag: 'groups', nameFormat: BASIC, valueXsiType: 'xs:string' },
];

export function createSamlIdp(options: { entityId: string; ssoUrl: string; privateKey: string; certificate: string; binding?: 'redirect' | 'post' }) {
  const binding = options.binding ?? 'redirect';
  ensureValidator();
  const idp = samlify.IdentityProvider({
    entityID: options.entityId,
    privateKey: options.privateKey,
    signingCert: options.certificate,
    isAssertionEncrypted: false,
    wantAuthnRequestsSigned: false,
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    singleSignOnService: [{ Binding: samlify.Constants.namespace.binding[binding], Location: options.ssoUrl }],
    loginResponseTemplate: { context: samlify.SamlLib.defaultLoginResponseTemplate.context, attributes: ATTRIBUTES },
  } as Parameters<typeof samlify.IdentityProvider>[0]);

  function serviceProvider(spMetadata: string) {
    return samlify.ServiceProvider({ metadata: spMetadata });
  }

  async function build(spMetadata: string, user: SamlUser, inResponseTo: string | null, relayState: string | null, opts: ResponseOptions): Promise<SamlPost> {
    const sp = serviceProvider(spMetadata);
    const acsUrl = sp.entityMeta.getAssertionConsumerService('post') as string;
    if (!acsUrl) throw new Error('The service provider metadata has no HTTP-POST AssertionConsumerService');
    const now = new Date();
    const notOnOrAfter = (opts.notOnOrAfter ?? new Date(now.getTime() + 5 * 60 * 1000)).toISOString();
    const notBefore = (opts.notBefore ?? new Date(now.getTime() - 60 * 1000)).toISOString();
    const replacement = (template: string) => {
      const id = `_${randomUUID()}`;
      const values: Record<string, string | undefined> = {
        ID: id,
        AssertionID: `_${randomUUID()}`,
        Destination: acsUrl,
        Audience: opts.audience ?? sp.entityMeta.getEntityID(),
        SubjectRecipient: acsUrl,
        NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
        NameID: user.email,
        Issuer: options.entityId,
        IssueInstant: now.toISOString(),
        ConditionsNotBefore: notBefore,
        ConditionsNotOnOrAfter: notOnOrAfter,
        SubjectConfirmationDataNotOnOrAfter: notOnOrAfter,
        AssertionConsumerServiceURL: acsUrl,
        EntityID: sp.entityMeta.getEntityID(),
        InResponseTo: inResponseTo ?? undefined,
        StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        AuthnStatement: `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="_${randomUUID()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>`,
        attrEmail: user.email,
        attrFirstName: user.firstName ?? '',
        attrLastName: user.lastName ?? '',
        attrGroups: (user.groups ?? []).join(','),
      };
      let context = samlify.SamlLib.replaceTagsByValue(template, values);
      // replaceTagsByValue escapes values; the AuthnStatement is markup.
      context = context.replace(/&lt;saml:AuthnStatement[\s\S]*?AuthnStatement&gt;/, values.AuthnStatement!);
      // Several groups become several AttributeValues, as real IdPs send them.
      const groups = user.groups ?? [];
      if (groups.length > 1) {
        context = context.replace(
          /(<saml:Attribute Name="groups"[^>]*>)(<saml:AttributeValue[^>]*>)[^<]*(<\/saml:AttributeValue>)/,
          (_m, open: string, valueOpen: string, valueClose: string) => open + groups.map((g) => `${valueOpen}${escapeHtml(g)}${valueClose}`).join(''),
        );
      } else if (groups.length === 0) {
        context = context.replace(/<saml:Attribute Name="groups"[\s\S]*?<\/saml:Attribute>/, '');
      }
      return { id, context };
    };
    const requestInfo = inResponseTo ? { extract: { request: { id: inResponseTo } } } : { extract: { request: { id: '' } } };
    const response = await idp.createLoginResponse(sp, requestInfo, 'post', { ...user }, {
      relayState: relayState ?? undefined,
      customTagReplacement: replacement,
    });
    return { acsUrl, SAMLResponse: response.context, RelayState: relayState };
  }

  return {
    entityId: options.entityId,
    ssoUrl: options.ssoUrl,
    metadata: (): string => idp.getMetadata(),

    /** Answers an SP-initiated AuthnRequest (the query of the IdP's SSO URL, or the form posted to it). */
    async respond(spMetadata: string, query: Record<string, string>, user: SamlUser, opts: ResponseOptions = {}): Promise<SamlPost> {
      const sp = serviceProvider(spMetadata);
      const request = binding === 'post' ? { body: query } : { query, octetString: '' };
      const parsed = await idp.parseLoginRequest(sp, binding, request);
      const requestId = (parsed.extract as { request?: { id?: string } }).request?.id ?? null;
      return build(spMetadata, user, requestId, query.RelayState ?? null, opts);
    },

    /** An unsolicited (IdP-initiated) response. */
    async unsolicited(spMetadata: string, user: SamlUser, opts: ResponseOptions = {}): Promise<SamlPost> {
      return build(spMetadata, user, null, null, opts);
    },
  };
}

export type SamlIdp = ReturnType<typeof createSamlIdp>;

/** The response as the HTTP-POST binding's form (lib/identity/sso/post-form.ts renders it). */
export function responsePost(post: SamlPost): AutoPost {
  return { action: post.acsUrl, fields: { SAMLResponse: post.SAMLResponse, ...(post.RelayState ? { RelayState: post.RelayState } : {}) } };
}
