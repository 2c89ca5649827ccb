import 'server-only';
import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) in the form every authenticator app reads: SHA-1, 6
 * digits, 30-second steps, a 160-bit secret shown as base32. Codes from one
 * step either side of now are accepted (clocks drift); the caller stores the
 * step it accepted and refuses that step and earlier ones afterwards, so a
 * code works once.
 */
export const TOTP_ISSUER = 'Portcullis';
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps either side of the current one that are accepted. */
export const TOTP_WINDOW = 1;

function totp(secretBase32: string, email = ''): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: email,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A fresh random secret (20 bytes, as RFC 4226 recommends), base32 without padding. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** `otpauth://totp/Portcullis:<email>?secret=…&issuer=Portcullis&…` for the QR code. */
export function totpUri(secretBase32: string, email: string): string {
  return totp(secretBase32, email).toString();
}

/** The 30-second step a time falls in. */
export function totpStep(at: Date | number = Date.now()): number {
  return Math.floor(Number(at) / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for a time (the demo and tests use it; sign-in only checks). */
export function totpCode(secretBase32: string, at: Date | number = Date.now()): string {
  return totp(secretBase32).generate({ timestamp: Number(at) });
}

/** What a person typed, as digits only (spaces and dashes that apps show are ignored); null when it cannot be a code. */
export function normalizeTotpCode(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/**
 * The step whose code `input` is, within the window around `at`, and later
 * than `lastUsedStep`; null otherwise. Constant-time comparison is the
 * library's (otpauth compares with a timing-safe equal).
 */
export function matchTotp(secretBase32: string, input: string, lastUsedStep: number | null, at: Date | number = Date.now()): number | null {
  const code = normalizeTotpCode(input);
  if (!code) return null;
  const now = totpStep(at);
  const generator = totp(secretBase32);
  // Newest first, so that a code valid for two steps (it never is, but) records the later one.
  for (let delta = TOTP_WINDOW; delta >= -TOTP_WINDOW; delta--) {
    const step = now + delta;
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    if (generator.validate({ token: code, timestamp: step * TOTP_PERIOD_SECONDS * 1000, window: 0 }) === 0) return step;
  }
  return null;
}
