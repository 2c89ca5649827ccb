import { describe, expect, it } from 'vitest';
import { autoPostPage } from './post-form';

describe('the auto-submitting form page', () => {
  it('escapes every part and allows only its own script and the target origin', () => {
    const page = autoPostPage({ action: 'https://idp.example.com/sso?a=1&b="2"', fields: { SAMLRequest: 'PHNhbWw+', 'Relay"State': '"><script>alert(1)</script>' } }, { nonce: 'n0nce' });
    expect(page.html).toContain('<form method="post" action="https://idp.example.com/sso?a=1&amp;b=&quot;2&quot;">');
    expect(page.html).toContain('<input type="hidden" name="Relay&quot;State" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
    expect(page.html.match(/<script/g)).toEqual(['<script']);
    expect(page.html).toContain('<script nonce="n0nce">document.forms[0].submit()</script>');
    expect(page.html).toContain('<noscript><button type="submit">Continue</button></noscript>');
    expect(page.csp).toBe("default-src 'none'; script-src 'nonce-n0nce'; form-action https://idp.example.com; frame-ancestors 'none'; base-uri 'none'");
  });

  it('draws a fresh nonce for each page', () => {
    const post = { action: 'https://idp.example.com/sso', fields: {} };
    expect(autoPostPage(post).csp).not.toBe(autoPostPage(post).csp);
  });
});
