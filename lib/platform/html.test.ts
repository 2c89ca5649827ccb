import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from './html';

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(relative);
    return /\.(ts|tsx|mjs|js)$/.test(entry.name) ? [relative] : [];
  });
}

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes, & first', () => {
    expect(escapeHtml(`<a href="x?a=1&b='2'">&amp;</a>`)).toBe('&lt;a href=&quot;x?a=1&amp;b=&#39;2&#39;&quot;&gt;&amp;amp;&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(42)).toBe('42');
  });

  it('is the only HTML escaper in the code base', () => {
    // Copies drift apart (they already differed in how they wrote an apostrophe); import this one.
    const own = new Set([path.join('lib', 'platform', 'html.ts'), path.join('lib', 'platform', 'html.test.ts')]);
    const copies = ['lib', 'app', 'components', 'scripts', 'kit', 'e2e']
      .flatMap(sources)
      .filter((file) => !own.has(file) && /['"]&amp;['"]/.test(readFileSync(path.join(root, file), 'utf8')));
    expect(copies).toEqual([]);
  });
});
