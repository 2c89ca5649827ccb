'use server';

import { z } from 'zod';
import { signedOutAction } from '@/lib/identity/actions';
import { ValidationError } from '@/lib/platform/errors';
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
export const ssoEmailAction = signedOutAction(emailSchema.extend({ callbackUrl: z.unknown() }), async ({ email, callbackUrl }) => {
  const next = safeRedirectPath(callbackUrl, '');
  const options = await ssoOptionsForEmail(email);
  if (!options) throw new ValidationError(SSO_ERRORS.no_sso, { email: ['No single sign-on is set up for this domain.'] });
  const hrefs = options.connections.map((c) => ({ name: c.name, protocol: c.protocol, href: startPath(c.id, { next: next || undefined, loginHint: email }) }));
  return { data: { orgName: options.org.name, connections: hrefs, go: hrefs.length === 1 ? hrefs[0]!.href : null } satisfies SsoChoice };
});
