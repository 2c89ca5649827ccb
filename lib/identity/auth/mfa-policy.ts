import 'server-only';
import { ForbiddenError } from '@/lib/platform/errors';

/**
 * Who must have a second factor, decided in one place. Staff must; a
 * customer organization may require it of its members (`mfa_required`).
 * Either rule applies only to sessions that started with a password: a
 * session that came through single sign-on (SAML or OIDC, customer or staff
 * IdP) leaves the second factor to the identity provider.
 */
export interface MfaSessionFacts {
  /** How the session started: password | saml | oidc. */
  authMethod: string;
  /** Whether the person has confirmed a TOTP authenticator. */
  mfaEnrolled: boolean;
}

/** Sign-in methods whose identity provider is responsible for the second factor. */
export const SSO_AUTH_METHODS: readonly string[] = ['saml', 'oidc'];

function satisfied(session: MfaSessionFacts): boolean {
  return SSO_AUTH_METHODS.includes(session.authMethod) || session.mfaEnrolled;
}

/** A staff session may use staff power: it came through SSO, or its person has MFA. */
export function satisfiesStaffMfa(session: MfaSessionFacts): boolean {
  return satisfied(session);
}

/** A member's session may act in an organization that requires MFA. */
export function satisfiesOrgMfa(session: MfaSessionFacts): boolean {
  return satisfied(session);
}

/** Where a person who must enrol is sent: the MFA section of /account. */
export const MFA_ENROLMENT_PATH = '/account?mfa=required#mfa';

/** Refused until the person enrols: pages redirect to enrolment on it, actions show its message. */
export class MfaRequiredError extends ForbiddenError {
  constructor(readonly scope: 'staff' | 'organization', orgName?: string) {
    super(
      scope === 'staff'
        ? 'Vendor staff must set up two-factor authentication before using the admin area. Set it up on your account page (/account).'
        : `${orgName ?? 'This organization'} requires two-factor authentication. Set it up on your account page (/account).`,
    );
  }
}
