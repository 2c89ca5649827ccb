import 'server-only';
import { AppError } from '@/lib/platform/errors';

/** Why an SSO sign-in was refused; the code travels to the error page, the message is what users read. */
export const SSO_ERRORS = {
  no_sso: 'Single sign-on is not set up for this email domain. Sign in with your password, or ask your administrator.',
  invalid_response: 'Your identity provider’s response could not be verified, so you were not signed in.',
  invalid_signature: 'The sign-in response was not signed correctly by your identity provider, so it was refused.',
  expired: 'The sign-in response from your identity provider has expired. Start the sign-in again.',
  wrong_audience: 'The sign-in response was meant for a different application. Check the SP entity ID configured in your identity provider.',
  wrong_destination: 'The sign-in response was addressed to a different URL. Check the ACS URL configured in your identity provider.',
  unsigned: 'The sign-in response was not signed by your identity provider, so it was refused. Responses (or their assertions) must be signed.',
  replayed: 'This sign-in response was already used. Start the sign-in again.',
  state_mismatch: 'This sign-in was started in another browser or has expired. Start the sign-in again.',
  unknown_connection: 'This identity provider is not connected to any organization (any more).',
  no_email: 'Your identity provider did not send an email address.',
  no_subject: 'Your identity provider did not send a user identifier.',
  domain_not_verified: 'Your email domain is not verified for this organization. Ask your administrator to verify it.',
  user_disabled: 'Your account is disabled.',
  staff_account: 'Vendor staff accounts sign in with their password or the company SSO (staff), not a customer’s.',
  org_inactive: 'This organization is deactivated.',
  sso_not_in_plan: 'Single sign-on is not included in your organization’s current plan, so its SSO connections are inactive. Sign in with your password, or ask an owner to upgrade.',
  no_seats: 'Your organization has no free seats; ask an admin to free one or buy more.',
  link_required:
    'You already have a Portcullis account with this email address. To use single sign-on with it, start from “Sign in with SSO” on the sign-in page and confirm with your password.',
  link_expired: 'The sign-in to link is no longer waiting (it expired or was finished). Start again from “Sign in with SSO”.',
  idp_error: 'Your identity provider reported an error.',
  idp_misconfigured: 'Your organization’s identity provider settings are not valid, so you were not sent there. Ask your administrator to check the SSO connection.',
  idp_unreachable: 'Could not reach your organization’s identity provider. Try again, or ask your administrator to check the SSO connection.',
  no_staff_sso: 'Staff single sign-on is not set up. Sign in with your password, or ask a staff admin.',
  not_staff: 'Staff single sign-on is for the vendor’s staff, and there is no staff account for this address. Ask a staff admin to create one.',
  staff_idp_initiated: 'Staff sign-in must start from the Portcullis sign-in page (“Sign in with your company SSO”), not from the identity provider.',
  error: 'Single sign-on failed. Please try again.',
} as const;
export type SsoErrorCode = keyof typeof SSO_ERRORS;

export function isSsoErrorCode(value: string | null | undefined): value is SsoErrorCode {
  return !!value && Object.hasOwn(SSO_ERRORS, value);
}

export class SsoError extends AppError {
  /** Already recorded in the audit log by whoever refused (lib/identity/sso/staff/sign-in.ts). */
  audited = false;

  constructor(
    readonly reason: SsoErrorCode,
    readonly detail?: string,
  ) {
    super(SSO_ERRORS[reason], reason === 'error' ? 500 : 403, `sso_${reason}`);
  }
}

/**
 * The IdP vouched for the address of an existing account that its holder must link first (a password,
 * another organization, the owner role): lib/identity/sso/link.ts.
 */
export class SsoLinkRequired extends SsoError {
  constructor(
    readonly userId: string,
    readonly email: string,
  ) {
    super('link_required');
  }
}

/** Maps Jackson's and SAML validation's messages to a reason users can act on. */
export function reasonFromJackson(message: string | undefined): SsoErrorCode {
  const m = (message ?? '').toLowerCase();
  if (m.includes('signature') || m.includes('invalid assertion')) return 'invalid_signature';
  if (m.includes('expired')) return 'expired';
  if (m.includes('audience')) return 'wrong_audience';
  if (m.includes('inresponseto') || m.includes('validate state')) return 'state_mismatch';
  if (m.includes('connection not found')) return 'unknown_connection';
  return 'invalid_response';
}
