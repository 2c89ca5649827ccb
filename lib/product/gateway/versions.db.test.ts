import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/platform/db/client';
import { uniqueSlug } from '@/dev/testing/factories';
import { OCI_MANIFEST } from '@/dev/testing/oci-fixtures';
import type { UpstreamRepository } from './caches';
import { UpstreamClient } from './upstream';
import { VersionIndex } from './versions';

/**
 * How the gateway dates versions for perpetual fallback, against a small
 * upstream written here (dates and moves a real registry does not make on
 * demand): annotations first, then the image config, then first sight; dates
 * a reproducible build stamps (1970) are not believed; a tag that moves is
 * dated anew (after the 30 s a replica remembers it); a digest no tag explains
 * re-reads the tags at most once per 30 s.
 */
type Image = { manifest: string; digest: string; config: string; configDigest: string };

function image(created: string | null, annotation?: string): Image {
  const config = JSON.stringify({ ...(created ? { created } : {}), architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
    layers: [],
    ...(annotation ? { annotations: { 'org.opencontainers.image.created': annotation } } : {}),
  });
  return { manifest, digest: `sha256:${createHash('sha256').update(manifest).digest('hex')}`, config, configDigest };
}

describe('version index', () => {
  const tags = new Map<string, Image>();
  const requests: string[] = [];
  let server: Server;
  let repo: UpstreamRepository;
  let index: VersionIndex;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      requests.push(`${req.method} ${path}`);
      if (path.startsWith('/v2/vendor/app/tags/list')) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'vendor/app', tags: [...tags.keys()] }));
      const manifest = /^\/v2\/vendor\/app\/manifests\/(.+)$/.exec(path)?.[1];
      const found = manifest ? (tags.get(manifest) ?? [...tags.values()].find((i) => i.digest === manifest)) : undefined;
      if (found) {
        res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': found.digest, 'content-length': Buffer.byteLength(found.manifest) });
        return res.end(req.method === 'HEAD' ? undefined : found.manifest);
      }
      const blob = /^\/v2\/vendor\/app\/blobs\/(.+)$/.exec(path)?.[1];
      const config = [...tags.values()].find((i) => i.configDigest === blob);
      if (config) return res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(config.config);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const row = await prisma.repository.create({
      data: { name: `${uniqueSlug('versions')}/app`, upstreamUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, upstreamRepository: 'vendor/app', defaultTag: '1.0.0' },
    });
    repo = { id: row.id, name: row.name, upstreamUrl: row.upstreamUrl, upstreamRepository: 'vendor/app', upstreamUsername: null, upstreamSecret: null, redirectMode: 'follow' };
    index = new VersionIndex(prisma, new UpstreamClient());
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('dates a version by its annotation, else its image config, else when first seen; not by a reproducible build’s 1970', async () => {
    tags.set('1.0.0', image('2026-02-01T00:00:00Z', '2026-01-15T00:00:00Z'));
    tags.set('1.1.0', image('2026-03-01T00:00:00Z'));
    tags.set('1.2.0', image('1970-01-01T00:00:00Z'));
    tags.set('1.3.0', image(null));
    const before = Date.now();
    expect((await index.resolveTag(repo, '1.0.0'))?.publishedAt.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect((await index.resolveTag(repo, '1.1.0'))?.publishedAt.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    for (const tag of ['1.2.0', '1.3.0']) {
      const firstSeen = (await index.resolveTag(repo, tag))!.publishedAt.getTime();
      expect(firstSeen).toBeGreaterThanOrEqual(before - 1000);
      expect(firstSeen).toBeLessThanOrEqual(Date.now() + 1000);
    }
    expect(await index.resolveTag(repo, 'nope')).toBeNull();
  });

  it('remembers a tag for a while; another replica knows it from one HEAD; a tag that moved is dated anew', async () => {
    requests.length = 0;
    expect((await index.resolveTag(repo, '1.1.0'))?.digest).toBe(tags.get('1.1.0')!.digest);
    expect(requests).toEqual([]);
    const replica = new VersionIndex(prisma, new UpstreamClient());
    expect((await replica.resolveTag(repo, '1.1.0'))?.digest).toBe(tags.get('1.1.0')!.digest);
    expect(requests).toEqual(['HEAD /v2/vendor/app/manifests/1.1.0']);
    tags.set('1.1.0', image('2026-05-05T00:00:00Z'));
    replica.clear();
    expect((await replica.resolveTag(repo, '1.1.0'))?.publishedAt.toISOString()).toBe('2026-05-05T00:00:00.000Z');
  });

  it('traces a digest to its tags, re-reading the tag list at most once per interval when none is known', async () => {
    tags.set('2.0.0', image('2026-06-01T00:00:00Z'));
    requests.length = 0;
    expect((await index.tagsFor(repo, tags.get('2.0.0')!.digest)).map((v) => v.tag)).toEqual(['2.0.0']);
    expect(requests.filter((r) => r.includes('tags/list'))).toHaveLength(1);
    requests.length = 0;
    expect(await index.tagsFor(repo, 'sha256:' + '0'.repeat(64))).toEqual([]);
    expect(requests).toEqual([]);
  });
});
