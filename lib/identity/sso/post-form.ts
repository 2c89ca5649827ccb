import { randomBytes } from 'node:crypto';
import { escapeHtml } from '@/lib/platform/html';

/**
 * The SAML HTTP-POST binding's auto-submitting form, as served on the
 * portal's own origin (to an IdP for an AuthnRequest, from the demo IdP to
 * the ACS). It is built here from its parts, never taken as markup, and
 * served under a policy of its own: nothing loads, the one inline script
 * runs by its per-response nonce, the form may post only to the target's
 * origin, and no other site may frame it.
 */
export interface AutoPost {
  /** An http(s) URL the caller has checked. */
  action: string;
  fields: Record<string, string>;
}

export interface AutoPostPage {
  html: string;
  csp: string;
}

export function autoPostPage(post: AutoPost, options: { title?: string; nonce?: string } = {}): AutoPostPage {
  const nonce = options.nonce ?? randomBytes(18).toString('base64');
  const origin = new URL(post.action).origin;
  const inputs = Object.entries(post.fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title ?? 'Signing in…')}</title></head><body>
<form method="post" action="${escapeHtml(post.action)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form>
<script nonce="${nonce}">document.forms[0].submit()</script></body></html>`;
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `form-action ${origin}`, `frame-ancestors 'none'`, `base-uri 'none'`].join('; ');
  return { html, csp };
}
