import { describe, expect, it } from 'vitest';
import { openUpstreamSecret, sealUpstreamSecret } from '@/lib/product/registry/upstream-credential';
import { open, seal } from './secret-box';

describe('secret box', () => {
  it('round-trips and never contains the plaintext', () => {
    const sealed = seal('ghp_supersecret', 'ctx');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('supersecret');
    expect(open(sealed, 'ctx')).toBe('ghp_supersecret');
    expect(seal('same', 'ctx')).not.toBe(seal('same', 'ctx'));
  });

  it('refuses another context, tampering and malformed envelopes', () => {
    const sealed = sealUpstreamSecret('repo-1', 'password');
    expect(openUpstreamSecret('repo-1', sealed)).toBe('password');
    expect(() => openUpstreamSecret('repo-2', sealed)).toThrow();
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = body![0] === 'A' ? `B${body!.slice(1)}` : `A${body!.slice(1)}`;
    expect(() => openUpstreamSecret('repo-1', [v, iv, tag, flipped].join('.'))).toThrow();
    expect(() => open('v2.x.y.z', 'ctx')).toThrow('Malformed');
  });
});
