import { afterEach, describe, expect, it } from 'vitest';
import { safeRedirectPath } from './safe-redirect';

describe('safeRedirectPath', () => {
  const saved = process.env.PUBLIC_URL;
  afterEach(() => {
    process.env.PUBLIC_URL = saved;
  });

  it.each([
    '//evil.example',
    '//evil.example/path',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example/',
    'http://localhost:3000.evil.example/',
    'javascript:alert(1)',
    'evil.example',
    '',
    ' /admin',
  ])('refuses %j', (target) => {
    process.env.PUBLIC_URL = 'http://localhost:3000';
    expect(safeRedirectPath(target, '/fallback')).toBe('/fallback');
  });

  it('keeps same-origin paths with their query and fragment', () => {
    expect(safeRedirectPath('/portal/globex?tab=1#x')).toBe('/portal/globex?tab=1#x');
    expect(safeRedirectPath('/admin')).toBe('/admin');
  });

  it('reduces an absolute URL on the public origin to its path, and refuses other origins', () => {
    process.env.PUBLIC_URL = 'https://portal.vendor.example';
    expect(safeRedirectPath('https://portal.vendor.example/admin?x=1')).toBe('/admin?x=1');
    expect(safeRedirectPath('http://portal.vendor.example/admin', '/')).toBe('/');
    expect(safeRedirectPath('https://portal.vendor.example.evil/admin', '/')).toBe('/');
  });

  it('refuses anything that is not a string', () => {
    expect(safeRedirectPath(undefined, '/x')).toBe('/x');
    expect(safeRedirectPath(['/a'], '/x')).toBe('/x');
  });
});
