'use server';

import type { ActionResult } from '@/lib/platform/action-result';
import { fieldErrorsOf, formDataToObject, toActionError } from '@/lib/identity/actions';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';
import { ssoOptionsForEmail, startPath } from '@/lib/identity/sso/discovery';
import { SSO_ERRORS } from '@/lib/identity/sso/errors';
import { emailSchema } from '@/lib/identity/sso/schemas';

export type SsoChoice = {
  orgName: string;
  connections: { name: string; protocol: string; href: string }[];
  /** With one connection: where the browser goes next, at once. */
  go: string | null;
};

/**
 * The email step: find the org by its verified domain and send the browser to its IdP (or offer a
 * choice). The browser navigates to /api/sso/start itself: a server action's redirect() to a path on
 * this origin makes the server request that path and follow it, here to the customer's SSO URL.
 */
export async function ssoEmailAction(_previous: unknown, formData: FormData): Promise<ActionResult<SsoChoice>> {
  const raw = formDataToObject(formData);
  const parsed = emailSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: 'Please correct the highlighted fields.', fieldErrors: fieldErrorsOf(parsed.error) };
  const next = safeRedirectPath(raw.callbackUrl, '');
  let options: Awaited<ReturnType<typeof ssoOptionsForEmail>>;
  try {
    options = await ssoOptionsForEmail(parsed.data.email);
  } catch (error) {
    return toActionError(error);
  }
  if (!options) return { ok: false, error: SSO_ERRORS.no_sso, fieldErrors: { email: ['No single sign-on is set up for this domain.'] } };
  const hrefs = options.connections.map((c) => ({ name: c.name, protocol: c.protocol, href: startPath(c.id, { next: next || undefined, loginHint: parsed.data.email }) }));
  return { ok: true, data: { orgName: options.org.name, connections: hrefs, go: hrefs.length === 1 ? hrefs[0]!.href : null } };
}
