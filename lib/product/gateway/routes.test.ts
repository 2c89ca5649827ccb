import { describe, expect, it } from 'vitest';
import { parseBasic } from './gateway';
import { isGatewayPath, parseGatewayPath } from './routes';
import { parseChallenge } from './upstream';

describe('parseGatewayPath', () => {
  it('recognizes the pull API', () => {
    expect(parseGatewayPath('/v2/')).toEqual({ kind: 'base' });
    expect(parseGatewayPath('/v2')).toEqual({ kind: 'base' });
    expect(parseGatewayPath('/v2/acme/product/manifests/1.2.3')).toEqual({ kind: 'manifest', name: 'acme/product', reference: '1.2.3' });
    expect(parseGatewayPath(`/v2/a/b/c/manifests/sha256:${'a'.repeat(64)}`)).toEqual({ kind: 'manifest', name: 'a/b/c', reference: `sha256:${'a'.repeat(64)}` });
    expect(parseGatewayPath(`/v2/acme/app/blobs/sha256:${'b'.repeat(64)}`)).toEqual({ kind: 'blob', name: 'acme/app', digest: `sha256:${'b'.repeat(64)}` });
    expect(parseGatewayPath('/v2/acme/app/tags/list')).toEqual({ kind: 'tags', name: 'acme/app' });
    expect(parseGatewayPath('/v2/acme/app/blobs/uploads/')).toEqual({ kind: 'upload', name: 'acme/app' });
    expect(parseGatewayPath('/v2/_catalog')).toEqual({ kind: 'catalog' });
  });

  it('rejects what the grammar forbids', () => {
    expect(parseGatewayPath('/v2/Acme/app/manifests/v1')).toMatchObject({ kind: 'invalid' });
    expect(parseGatewayPath('/v2/acme/app/manifests/-bad')).toMatchObject({ kind: 'invalid' });
    expect(parseGatewayPath('/v2/acme/app/blobs/notadigest')).toMatchObject({ kind: 'invalid' });
    expect(parseGatewayPath('/v2/../etc/manifests/v1')).toMatchObject({ kind: 'invalid' });
    expect(parseGatewayPath('/v2/acme/app/other')).toEqual({ kind: 'unknown' });
  });
});

describe('isGatewayPath', () => {
  it('claims /v2 and below for the gateway, nothing that merely starts with it', () => {
    for (const url of ['/v2', '/v2/', '/v2?x=1', '/v2/acme/app/tags/list?n=10']) expect(isGatewayPath(url)).toBe(true);
    for (const url of ['/v2x', '/v20/', '/admin', undefined]) expect(isGatewayPath(url)).toBe(false);
  });
});

describe('parseChallenge', () => {
  it('reads Bearer challenges as registries send them', () => {
    expect(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/app:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
    expect(parseChallenge(undefined)).toBeNull();
  });
});

describe('parseBasic', () => {
  it('splits at the first colon and refuses other schemes', () => {
    expect(parseBasic(`Basic ${Buffer.from('acme:pcr_a:b').toString('base64')}`)).toEqual({ username: 'acme', password: 'pcr_a:b' });
    expect(parseBasic('Bearer abc')).toBeNull();
    expect(parseBasic(`Basic ${Buffer.from(':nouser').toString('base64')}`)).toBeNull();
    expect(parseBasic(undefined)).toBeNull();
  });
});
