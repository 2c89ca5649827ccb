import 'server-only';
import { createHash } from 'node:crypto';
import type { Sql } from '@/lib/platform/db/sql';
import { sqlTimestamp } from '@/lib/platform/db/sql';
import { log } from '@/lib/platform/log';
import type { UpstreamRepository } from './caches';
import { headerValue, readBody, type UpstreamClient } from './upstream';

/**
 * What the gateway knows of a repository's versions, for version and channel
 * limits and perpetual fallback (lib/product/gateway/version-gate.ts): which
 * manifest each tag points to (and, for an image index, its platform
 * manifests, which clients then fetch by digest) and when it was published.
 * Kept in `repository_versions`, so every replica shares what one learned.
 *
 * Only customers with a version limit or an expired license pay for this;
 * everyone else's pulls never touch it.
 *
 * "Published" is, in order: the manifest's `org.opencontainers.image.created`
 * annotation, the image config's `created`, or the time the gateway first saw
 * the manifest. Dates before 2000 (reproducible builds stamp 1970) and in the
 * future are not believed.
 */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);
const MANIFEST_LIMIT = 8 * 1024 * 1024;
const CONFIG_LIMIT = 1024 * 1024;
const EARLIEST_BELIEVED = Date.UTC(2000, 0, 1);
/** A full re-read of a repository's tags (on a digest no known tag explains) at most this often. */
const REFRESH_INTERVAL_MS = 30_000;
const MAX_TAGS = 2_000;
/** What a tag points to, and the tags a digest traces to, are remembered this long per replica (a moved tag is seen at most this late). */
const MEMO_TTL_MS = 30_000;
const MEMO_MAX = 10_000;
const CONCURRENCY = 4;

export interface KnownVersion {
  tag: string;
  digest: string;
  publishedAt: Date;
}

interface Row {
  tag: string;
  digest: string;
  published_at: Date;
}

export class VersionIndex {
  private refreshed = new Map<string, number>();
  private refreshing = new Map<string, Promise<void>>();
  private learning = new Map<string, Promise<KnownVersion | null>>();
  private tagMemo = new Map<string, { version: KnownVersion; until: number }>();
  private digestMemo = new Map<string, { versions: KnownVersion[]; until: number }>();

  constructor(
    private readonly db: Sql,
    private readonly upstream: UpstreamClient,
  ) {}

  /**
   * What `tag` points to now upstream (one HEAD), with its publication date;
   * learned (and recorded) when the tag is new or has moved. null: no such tag.
   * Remembered for 30 s unless `fresh` (the gate asks afresh before it refuses).
   */
  async resolveTag(repo: UpstreamRepository, tag: string, fresh = false): Promise<KnownVersion | null> {
    const key = `${repo.id}\u0000${tag}`;
    const memo = this.tagMemo.get(key);
    if (!fresh && memo && memo.until > Date.now()) return memo.version;
    const version = await this.resolveTagUpstream(repo, tag);
    if (version) remember(this.tagMemo, key, { version, until: Date.now() + MEMO_TTL_MS });
    return version;
  }

  private async resolveTagUpstream(repo: UpstreamRepository, tag: string): Promise<KnownVersion | null> {
    const head = await this.upstream.request(repo, { method: 'HEAD', path: `manifests/${tag}`, headers: { accept: MANIFEST_ACCEPT }, redirects: 'follow' });
    head.resume();
    if (head.statusCode === 404) return null;
    const digest = headerValue(head.headers['docker-content-digest']);
    if (digest) {
      const [row] = await this.db.$queryRaw<Row[]>`
        SELECT tag, digest, published_at FROM repository_versions WHERE repository_id = ${repo.id} AND tag = ${tag} AND digest = ${digest}`;
      if (row) return { tag: row.tag, digest: row.digest, publishedAt: row.published_at };
    }
    return this.learn(repo, tag);
  }

  /**
   * The known tags that point to `digest` (directly or as a platform manifest of an index); re-reads the
   * repository's tags once when none do. Remembered for 30 s unless `fresh` (the set may have grown since).
   */
  async tagsFor(repo: UpstreamRepository, digest: string, fresh = false): Promise<KnownVersion[]> {
    const key = `${repo.id}\u0000${digest}`;
    const memo = this.digestMemo.get(key);
    if (!fresh && memo && memo.until > Date.now()) return memo.versions;
    let known = await this.lookup(repo.id, digest);
    if (!known.length) {
      await this.refresh(repo);
      known = await this.lookup(repo.id, digest);
    }
    if (known.length) remember(this.digestMemo, key, { versions: known, until: Date.now() + MEMO_TTL_MS });
    return known;
  }

  /** A repository's upstream settings changed (or changes were missed): forget what was remembered. */
  clear(): void {
    this.tagMemo.clear();
    this.digestMemo.clear();
    this.refreshed.clear();
  }

  /** Publication dates for these tags, learning those not yet known (for filtering tags/list). Tags that vanished upstream are left out. */
  async publishedAt(repo: UpstreamRepository, tags: readonly string[]): Promise<Map<string, Date>> {
    const dates = new Map<string, Date>();
    if (!tags.length) return dates;
    const rows = await this.db.$queryRaw<Row[]>`
      SELECT tag, digest, published_at FROM repository_versions WHERE repository_id = ${repo.id} AND tag = ANY(${[...tags]}::text[])`;
    for (const row of rows) dates.set(row.tag, row.published_at);
    await eachLimited(
      tags.filter((tag) => !dates.has(tag)),
      async (tag) => {
        const learned = await this.learn(repo, tag);
        if (learned) dates.set(tag, learned.publishedAt);
      },
    );
    return dates;
  }

  private async lookup(repositoryId: string, digest: string): Promise<KnownVersion[]> {
    const rows = await this.db.$queryRaw<Row[]>`
      SELECT tag, digest, published_at FROM repository_versions
      WHERE repository_id = ${repositoryId} AND (digest = ${digest} OR ${digest} = ANY(child_digests))`;
    return rows.map((row) => ({ tag: row.tag, digest: row.digest, publishedAt: row.published_at }));
  }

  /** Lists the repository's tags upstream and learns each that is new or has moved (bounded, shared by concurrent callers, not more often than every 30 s). */
  private refresh(repo: UpstreamRepository): Promise<void> {
    const last = this.refreshed.get(repo.id) ?? 0;
    if (Date.now() - last < REFRESH_INTERVAL_MS) return Promise.resolve();
    let pending = this.refreshing.get(repo.id);
    if (!pending) {
      pending = this.readAllTags(repo)
        .then(async (tags) => {
          const rows = await this.db.$queryRaw<Row[]>`SELECT tag, digest, published_at FROM repository_versions WHERE repository_id = ${repo.id}`;
          const known = new Map(rows.map((row) => [row.tag, row.digest]));
          await eachLimited(tags, async (tag) => {
            const head = await this.upstream.request(repo, { method: 'HEAD', path: `manifests/${tag}`, headers: { accept: MANIFEST_ACCEPT }, redirects: 'follow' });
            head.resume();
            const digest = headerValue(head.headers['docker-content-digest']);
            if (head.statusCode === 200 && digest && known.get(tag) === digest) return;
            if (head.statusCode === 200) await this.learn(repo, tag);
          });
        })
        .catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error), repository: repo.name }, 'could not re-read a repository’s tags'))
        .finally(() => {
          this.refreshed.set(repo.id, Date.now());
          this.refreshing.delete(repo.id);
        });
      this.refreshing.set(repo.id, pending);
    }
    return pending;
  }

  private async readAllTags(repo: UpstreamRepository): Promise<string[]> {
    const tags: string[] = [];
    let query = 'n=1000';
    while (tags.length < MAX_TAGS) {
      const response = await this.upstream.request(repo, { method: 'GET', path: 'tags/list', query, headers: { accept: 'application/json' }, redirects: 'follow' });
      if (response.statusCode !== 200) {
        response.resume();
        break;
      }
      const body = JSON.parse((await readBody(response, MANIFEST_LIMIT)).toString('utf8')) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const next = /<([^>]+)>/.exec(headerValue(response.headers.link) ?? '')?.[1];
      if (!next) break;
      query = new URL(next, 'http://upstream.invalid').searchParams.toString();
    }
    return tags.slice(0, MAX_TAGS);
  }

  /** Reads what a tag points to and when it was published, and records it. One learner per tag at a time. */
  private learn(repo: UpstreamRepository, tag: string): Promise<KnownVersion | null> {
    const key = `${repo.id}\u0000${tag}`;
    let pending = this.learning.get(key);
    if (!pending) {
      pending = this.read(repo, tag).finally(() => this.learning.delete(key));
      this.learning.set(key, pending);
    }
    return pending;
  }

  private async read(repo: UpstreamRepository, tag: string): Promise<KnownVersion | null> {
    const manifest = await this.fetchJson(repo, `manifests/${tag}`, MANIFEST_LIMIT, MANIFEST_ACCEPT);
    if (!manifest) return null;
    const { body, digest } = manifest;
    const children = Array.isArray(body.manifests) ? body.manifests.map((m) => m.digest).filter((d): d is string => typeof d === 'string') : [];
    let created = believable(body.annotations?.['org.opencontainers.image.created']);
    if (!created) {
      // An index: the first platform manifest's image (attestations carry platform unknown/unknown).
      let image = body;
      const first = body.manifests?.find((m) => m.platform?.os !== 'unknown') ?? body.manifests?.[0];
      if (first?.digest) image = (await this.fetchJson(repo, `manifests/${first.digest}`, MANIFEST_LIMIT, MANIFEST_ACCEPT))?.body ?? {};
      created = believable(image.annotations?.['org.opencontainers.image.created']);
      if (!created && image.config?.digest && CONFIG_TYPES.has(image.config.mediaType ?? '') && (image.config.size ?? 0) <= CONFIG_LIMIT) {
        const config = await this.fetchJson(repo, `blobs/${image.config.digest}`, CONFIG_LIMIT, '*/*');
        created = believable(config?.body.created);
      }
    }
    // Known before under another manifest? Keep the first date it was seen only for the same digest.
    const rows = await this.db.$queryRaw<Row[]>`
      INSERT INTO repository_versions (repository_id, tag, digest, child_digests, published_at, seen_at)
      VALUES (${repo.id}, ${tag}, ${digest}, ${children}::text[], ${sqlTimestamp(created ?? new Date())}::timestamp, (now() AT TIME ZONE 'UTC'))
      ON CONFLICT (repository_id, tag) DO UPDATE SET
        digest = excluded.digest,
        child_digests = excluded.child_digests,
        published_at = CASE WHEN repository_versions.digest = excluded.digest THEN repository_versions.published_at ELSE excluded.published_at END,
        seen_at = excluded.seen_at
      RETURNING tag, digest, published_at`;
    const row = rows[0]!;
    return { tag: row.tag, digest: row.digest, publishedAt: row.published_at };
  }

  private async fetchJson(repo: UpstreamRepository, path: string, limit: number, accept: string): Promise<{ body: Manifest; digest: string } | null> {
    const response = await this.upstream.request(repo, { method: 'GET', path, headers: { accept }, redirects: 'follow' });
    if (response.statusCode !== 200) {
      response.resume();
      return null;
    }
    const raw = await readBody(response, limit);
    const digest = headerValue(response.headers['docker-content-digest']) ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    try {
      return { body: JSON.parse(raw.toString('utf8')) as Manifest, digest };
    } catch {
      return null;
    }
  }
}

interface Manifest {
  annotations?: Record<string, string>;
  manifests?: { digest?: string; platform?: { os?: string } }[];
  config?: { digest?: string; mediaType?: string; size?: number };
  created?: string;
}

function remember<T>(memo: Map<string, T>, key: string, value: T): void {
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, value);
}

function believable(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  if (!Number.isFinite(time) || time < EARLIEST_BELIEVED || time > Date.now() + 60_000) return null;
  return new Date(time);
}

async function eachLimited<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}
