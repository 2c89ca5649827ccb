import 'server-only';
import { ValidationError } from '@/lib/platform/errors';
import { parseOutboundUrl } from '@/lib/platform/net/outbound';
import { env } from '@/lib/platform/config/env';

/**
 * Every URL an identity provider's configuration names: the SSO and logout
 * URLs in SAML metadata, the metadata URL, the OIDC discovery URL and the
 * endpoints its discovery document lists. Browsers are sent to some of them
 * (a `javascript:` "SSO URL" in a form on the portal's origin is stored
 * XSS), the server fetches others (through lib/platform/net/outbound), so each is
 * parsed from the raw string, strictly: http(s) only, no control
 * characters, whitespace or credentials.
 *
 * `http:` is for labs and tests: allowed outside production, or with
 * SSO_ALLOW_HTTP_URLS=true (the demo sets it; its IdP is on localhost).
 */
export function ssoHttpAllowed(): boolean {
  return env('SSO_ALLOW_HTTP_URLS') || env('NODE_ENV') !== 'production';
}

/** Throws OutboundError('invalid_url') for anything but a plain http(s) URL (https only where http is not allowed). */
export function parseIdpUrl(raw: string): URL {
  return parseOutboundUrl(raw, { allowHttp: ssoHttpAllowed() });
}

export function idpUrlProblem(raw: string): string | null {
  try {
    parseIdpUrl(raw);
    return null;
  } catch {
    return ssoHttpAllowed() ? 'must be a plain http:// or https:// URL' : 'must be a plain https:// URL';
  }
}

/** For a form field: a ValidationError on `field` naming what is wrong with which URL. */
export function assertIdpUrl(raw: string, field: string, what: string): URL {
  const problem = idpUrlProblem(raw);
  if (problem) throw ValidationError.field(field, `${what} ${problem}.`);
  return parseIdpUrl(raw);
}

// What parseOutboundUrl refuses anywhere in a URL, checked here over the query it is not given.
const UNSAFE_CHARACTERS = /[\u0000-\u0020\u007f-\u009f]/;

/**
 * At serve time, for the URL a browser is about to be sent to (a stored
 * connection may predate these checks). A redirect carries a long
 * SAMLRequest query, so the length limit applies to the URL before it.
 */
export function servableIdpUrl(raw: string): URL | null {
  if (typeof raw !== 'string' || UNSAFE_CHARACTERS.test(raw)) return null;
  const query = raw.indexOf('?');
  try {
    const base = parseIdpUrl(query < 0 ? raw : raw.slice(0, query));
    const url = new URL(raw);
    return url.origin === base.origin ? url : null;
  } catch {
    return null;
  }
}
