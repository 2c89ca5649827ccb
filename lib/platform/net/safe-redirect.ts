import 'server-only';
import { publicUrl } from '@/lib/platform/config/public-url';

// Controls, whitespace and backslashes: browsers read "/\evil.example" and "/\t/evil.example" as "//evil.example".
const UNSAFE = /[\u0000-\u0020\u007f-\u009f\\]/;

/**
 * Where to send a browser after sign-in (or any step that takes a "next"
 * target from the request): a path on this origin, or `fallback`. Every
 * redirect built from input goes through here; an open redirect after
 * sign-in is a phishing tool.
 */
export function safeRedirectPath(target: unknown, fallback = '/'): string {
  if (typeof target !== 'string' || target.length === 0 || target.length > 2000 || UNSAFE.test(target)) return fallback;
  let candidate = target;
  if (!candidate.startsWith('/')) {
    // An absolute URL is accepted only on our own public origin, and reduced to its path.
    try {
      const url = new URL(candidate);
      if (url.origin !== new URL(publicUrl()).origin) return fallback;
      candidate = `${url.pathname}${url.search}${url.hash}`;
    } catch {
      return fallback;
    }
  }
  if (candidate.startsWith('//')) return fallback;
  const base = 'http://same-origin.invalid';
  let resolved: URL;
  try {
    resolved = new URL(candidate, base);
  } catch {
    return fallback;
  }
  if (resolved.origin !== base) return fallback;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
