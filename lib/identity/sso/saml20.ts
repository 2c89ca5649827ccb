import 'server-only';
import saml20Module from '@boxyhq/saml20';

/**
 * @boxyhq/saml20, the SAML library inside Jackson. It is CommonJS with
 * `exports.default`: Node's own ESM loader (the custom server under tsx,
 * the demo seed) hands over module.exports, bundlers (Next, vitest) its
 * default. Both get the same object here.
 */
export const saml20 = ((saml20Module as unknown as { default?: typeof saml20Module }).default ?? saml20Module) as typeof saml20Module;
