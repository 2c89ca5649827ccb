import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { matchTotp, newTotpSecret, normalizeTotpCode, totpCode, totpStep, totpUri } from './totp';

/** The independent counterpart: OATH Toolkit's oathtool (Debian package oathtool). */
function oathtool(secret: string, at: number, window = 0): string[] {
  return execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${Math.floor(at / 1000)}`, ...(window ? ['-w', String(window)] : [])], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

const AT = Date.UTC(2026, 11, 7, 15, 0, 10); // 10 s into a step

describe('TOTP (RFC 6238) against oathtool', () => {
  it('computes the codes oathtool computes, for fresh secrets and the RFC key', () => {
    for (const secret of [newTotpSecret(), newTotpSecret(), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ']) {
      for (const at of [AT, AT + 30_000, 59_000, 1_111_111_109_000, 2_000_000_000_000]) {
        expect(totpCode(secret, at)).toBe(oathtool(secret, at)[0]);
      }
    }
    // RFC 6238 appendix B, SHA-1, 8 digits truncated to our 6: T=59 → 94287082.
    expect(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000)).toBe('287082');
  });

  it('makes 160-bit base32 secrets and the otpauth URI authenticator apps read', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'ada@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Portcullis:ada@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret, issuer: 'Portcullis', algorithm: 'SHA1', digits: '6', period: '30' });
  });

  it("accepts oathtool's code for the current step and one step either side, and nothing further", () => {
    const secret = newTotpSecret();
    const step = totpStep(AT);
    // oathtool -w 2 prints the codes of steps now … now+2; the previous ones come from earlier times.
    const [now, next, afterNext] = oathtool(secret, AT, 2);
    const [previous] = oathtool(secret, AT - 30_000);
    const [beforePrevious] = oathtool(secret, AT - 60_000);
    expect(matchTotp(secret, now!, null, AT)).toBe(step);
    expect(matchTotp(secret, next!, null, AT)).toBe(step + 1);
    expect(matchTotp(secret, previous!, null, AT)).toBe(step - 1);
    expect(matchTotp(secret, afterNext!, null, AT)).toBeNull();
    expect(matchTotp(secret, beforePrevious!, null, AT)).toBeNull();
  });

  it('refuses a step already used, and earlier ones: a code works once', () => {
    const secret = newTotpSecret();
    const [code] = oathtool(secret, AT);
    const step = matchTotp(secret, code!, null, AT)!;
    expect(matchTotp(secret, code!, step, AT)).toBeNull();
    expect(matchTotp(secret, code!, step, AT + 20_000)).toBeNull(); // still within its window, later in time
    const [previous] = oathtool(secret, AT - 30_000);
    expect(matchTotp(secret, previous!, step, AT)).toBeNull();
    const [next] = oathtool(secret, AT + 30_000);
    expect(matchTotp(secret, next!, step, AT)).toBe(step + 1);
  });

  it('refuses wrong codes, other secrets and input that is not six digits', () => {
    const secret = newTotpSecret();
    const [code] = oathtool(secret, AT);
    expect(matchTotp(newTotpSecret(), code!, null, AT)).toBeNull();
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(matchTotp(secret, wrong, null, AT)).toBeNull();
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345a']) expect(matchTotp(secret, bad, null, AT)).toBeNull();
    expect(normalizeTotpCode(` ${code!.slice(0, 3)} ${code!.slice(3)} `)).toBe(code);
    expect(matchTotp(secret, `${code!.slice(0, 3)}-${code!.slice(3)}`, null, AT)).toBe(totpStep(AT));
  });
});
