import { randomUUID } from 'node:crypto';
import { generateSigningCertificate } from '@/lib/identity/sso/idp/certificate';
import { createSamlIdp, type SamlIdp } from '@/lib/identity/sso/idp/saml-idp';

/** An in-process samlify IdP with its own key and a unique entity ID (Jackson refuses one IdP in two orgs). */
export function newTestIdp(label = 'test IdP'): SamlIdp {
  const { privateKey, certificate } = generateSigningCertificate(label);
  const host = `idp-${randomUUID().slice(0, 8)}.idp.test`;
  return createSamlIdp({ entityId: `https://${host}/metadata`, ssoUrl: `https://${host}/sso`, privateKey, certificate });
}
