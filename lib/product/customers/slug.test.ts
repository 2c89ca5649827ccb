import { describe, expect, it } from 'vitest';
import { slugify as serverSlugify } from './schema';
import { slugify, slugPreview } from './slug';

describe('the slug preview on the new-customer form', () => {
  it('shows the slug the server will derive, with the same function', () => {
    expect(slugify).toBe(serverSlugify);
    expect(slugPreview('Société Générale, S.A.')).toBe('societe-generale-s-a');
    expect(slugPreview('Globex Corporation')).toBe(serverSlugify('Globex Corporation'));
  });

  it('keeps the example until the name gives a usable slug', () => {
    expect(slugPreview('')).toBe('acme-corp');
    expect(slugPreview('!!')).toBe('acme-corp');
    expect(slugPreview('A')).toBe('acme-corp');
    expect(slugPreview('Ab')).toBe('ab');
  });
});
