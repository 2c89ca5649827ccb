import { afterEach, describe, expect, it } from 'vitest';
import { assertIdpUrl, servableIdpUrl, ssoHttpAllowed } from './idp-urls';

const saved = { nodeEnv: process.env.NODE_ENV, allowHttp: process.env.SSO_ALLOW_HTTP_URLS };
afterEach(() => {
  (process.env as Record<string, string | undefined>).NODE_ENV = saved.nodeEnv;
  if (saved.allowHttp === undefined) delete process.env.SSO_ALLOW_HTTP_URLS;
  else process.env.SSO_ALLOW_HTTP_URLS = saved.allowHttp;
});

describe('IdP URLs', () => {
  it('are plain http(s) URLs, parsed from the raw string', () => {
    expect(assertIdpUrl('https://idp.example.com/saml/sso', 'f', 'The URL').href).toBe('https://idp.example.com/saml/sso');
    for (const raw of [
      'javascript://localhost/\nalert(1)',
      'javascript://localhost/%0Aalert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'https://idp.example.com/\tsso',
      ' https://idp.example.com/sso',
      'https://idp.example.com/sso\u0000',
      'https://admin:secret@idp.example.com/sso',
      'https:idp.example.com/sso',
      '//idp.example.com/sso',
      '',
    ]) {
      expect(() => assertIdpUrl(raw, 'ssoUrl', 'The SSO URL'), JSON.stringify(raw)).toThrow(/The SSO URL must be a plain/);
    }
  });

  it('allow http only outside production, or with SSO_ALLOW_HTTP_URLS=true', () => {
    (process.env as Record<string, string>).NODE_ENV = 'test';
    expect(ssoHttpAllowed()).toBe(true);
    expect(() => assertIdpUrl('http://idp.lab/sso', 'f', 'x')).not.toThrow();
    (process.env as Record<string, string>).NODE_ENV = 'production';
    expect(ssoHttpAllowed()).toBe(false);
    expect(() => assertIdpUrl('http://idp.lab/sso', 'f', 'The URL')).toThrow('The URL must be a plain https:// URL.');
    process.env.SSO_ALLOW_HTTP_URLS = 'true';
    expect(ssoHttpAllowed()).toBe(true);
    process.env.SSO_ALLOW_HTTP_URLS = '1';
    expect(ssoHttpAllowed()).toBe(false);
  });

  it('are checked again when a browser is about to be sent there, long SAMLRequest queries included', () => {
    const long = `https://idp.example.com/sso?SAMLRequest=${'A'.repeat(6000)}&RelayState=boxyhq_jackson_x`;
    expect(servableIdpUrl(long)?.origin).toBe('https://idp.example.com');
    expect(servableIdpUrl('javascript://localhost/%0Aalert(document.domain)')).toBeNull();
    expect(servableIdpUrl('https://idp.example.com/sso?x=\n1')).toBeNull();
    expect(servableIdpUrl('https://idp.example.com/sso')?.href).toBe('https://idp.example.com/sso');
  });
});
