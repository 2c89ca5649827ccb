import { describe, expect, it } from 'vitest';
import { isSsoErrorCode, reasonFromJackson, SSO_ERRORS, SsoError } from './errors';

describe('SSO refusal reasons', () => {
  it('maps Jackson and SAML validation messages to reasons users can act on', () => {
    expect(reasonFromJackson('access_denied - abc: Invalid assertion signature.')).toBe('invalid_signature');
    expect(reasonFromJackson('Invalid assertion. Could not verify')).toBe('invalid_signature');
    expect(reasonFromJackson('Assertion is expired.')).toBe('expired');
    expect(reasonFromJackson('Invalid audience.')).toBe('wrong_audience');
    expect(reasonFromJackson('Unable to validate state from the origin request.')).toBe('state_mismatch');
    expect(reasonFromJackson('SAML connection not found.')).toBe('unknown_connection');
    expect(reasonFromJackson(undefined)).toBe('invalid_response');
  });

  it('only accepts known codes from the URL and carries a readable message', () => {
    expect(isSsoErrorCode('replayed')).toBe(true);
    expect(isSsoErrorCode('toString')).toBe(false);
    expect(isSsoErrorCode('<script>')).toBe(false);
    const error = new SsoError('domain_not_verified');
    expect(error.message).toBe(SSO_ERRORS.domain_not_verified);
    expect(error.status).toBe(403);
  });

  it('explains a refusal for lack of seats on the error page', () => {
    expect(isSsoErrorCode('no_seats')).toBe(true);
    expect(new SsoError('no_seats').message).toBe('Your organization has no free seats; ask an admin to free one or buy more.');
  });
});
