import { describe, expect, it } from 'vitest';
import { ValidationError } from '@/lib/platform/errors';
import { checkNewPassword, hashNewPassword, newPasswordField, PASSWORD_MAX_LENGTH } from './password-policy';
import { verifyPassword } from './password';

const account = { email: 'grace.hopper@navy.example', name: 'Grace Hopper' };
const reason = async (password: string, context = account) => {
  const verdict = await checkNewPassword(password, context);
  return verdict.ok ? null : verdict.reason;
};

describe('new password rule', () => {
  it('accepts long passphrases and random strings, spaces and all, with no composition rules', async () => {
    for (const password of ['correct horse battery staple', 'kx9-vq2-mfa7-tz', 'all lower case words here', 'Ünïcödé pässwörd ñ 🦀', ' leading and trailing spaces ']) {
      expect(await reason(password), password).toBeNull();
    }
  });

  it('counts characters as hashed (code points after NFKC), at least 12 and at most 256', async () => {
    expect(await reason('elevenchars')).toBe('Use at least 12 characters.');
    // Twelve emoji are 24 UTF-16 units but 12 characters.
    expect('🦀'.repeat(11).length).toBe(22);
    expect(await reason('🦀'.repeat(11))).toBe('Use at least 12 characters.');
    expect(await reason(`${'x7Qp '.repeat(52)}z`)).toBe(`Use at most ${PASSWORD_MAX_LENGTH} characters.`);
    expect(newPasswordField.safeParse('short').success).toBe(false);
    expect(newPasswordField.safeParse('twelve chars').success).toBe(true);
  });

  it('refuses common and breached-looking passwords and says why', async () => {
    expect(await reason('123456789012')).toMatch(/^This is one of the most common passwords\./);
    expect(await reason('password1234')).toMatch(/^This is too close to a commonly used password\./);
    expect(await reason('aaaaaaaaaaaaaaaa')).toMatch(/^Repeated characters like "aaa" are easy to guess\./);
    expect(await reason('passwordpassword')).toMatch(/^Repeated patterns/);
    expect(await reason('qwertyuiop123')).toMatch(/commonly used password|keyboard/);
    expect(await reason('iloveyou2024!')).toMatch(/commonly used password/);
    // Every refusal ends with what to do instead.
    expect(await reason('123456789012')).toMatch(/A few unrelated words make a strong password\.$/);
  });

  it('refuses the email address, words from it and the name, and the product name', async () => {
    expect(await reason('Grace.Hopper@navy.example')).toBe('Your password cannot be your email address.');
    expect(await reason('GraceHopper1906')).toMatch(/^It is built from your email address or name\./);
    expect(await reason('grace.hopper!!')).toMatch(/^It is built from your email address or name\./);
    expect(await reason('my Portcullis password!')).toBe('Your password cannot contain the name of this service.');
    expect(await reason('ＰＯＲＴＣＵＬＬＩＳ rocks 4ever')).toBe('Your password cannot contain the name of this service.');
  });

  it('hashes only an acceptable password, and names the field it refuses', async () => {
    const hash = await hashNewPassword('correct horse battery staple', account);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    const refused = await hashNewPassword('123456789012', account, 'newPassword').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).fieldErrors.newPassword?.[0]).toMatch(/most common passwords/);
  });
});
