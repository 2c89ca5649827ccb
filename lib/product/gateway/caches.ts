import 'server-only';
import { keyedHash } from '@/lib/platform/crypto/keyed-hash';
import type { Sql } from '@/lib/platform/db/sql';
import { openUpstreamSecret } from '@/lib/product/registry/upstream-credential';
import { verifyRegistryCredentials, type RegistryChange, type VerifiedToken, type VerifyFailure } from '@/lib/product/registry/credentials';

/**
 * What the gateway remembers between requests: verified credentials and
 * repositories' upstream settings. Both are used only while `trusted()` says
 * the change listener is live; every change notification drops what it
 * touches, and an in-flight lookup that started before a change never
 * caches its (possibly stale) answer.
 */
const CREDENTIAL_TTL_MS = 60_000;
const REPOSITORY_TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

export type VerifyResult = Awaited<ReturnType<typeof verifyRegistryCredentials>>;
export type { VerifiedToken, VerifyFailure };

export interface UpstreamRepository {
  id: string;
  name: string;
  upstreamUrl: string;
  upstreamRepository: string;
  upstreamUsername: string | null;
  /** The opened upstream secret; kept in memory only, never logged. */
  upstreamSecret: string | null;
  redirectMode: 'follow' | 'passthrough';
}

export class GatewayCaches {
  private generation = 0;
  private credentials = new Map<string, { token: VerifiedToken; until: number }>();
  private repositories = new Map<string, { repo: UpstreamRepository | null; until: number }>();

  constructor(
    private readonly db: Sql,
    private readonly trusted: () => boolean,
  ) {}

  async verify(username: string, token: string, now = Date.now()): Promise<VerifyResult> {
    const key = `${username.toLowerCase()}\u0000${keyedHash(token)}`;
    if (this.trusted()) {
      const hit = this.credentials.get(key);
      if (hit && hit.until > now) return { ok: true, token: hit.token };
      if (hit) this.credentials.delete(key);
    }
    const generation = this.generation;
    const result = await verifyRegistryCredentials(this.db, username, token, new Date(now));
    if (result.ok && this.trusted() && generation === this.generation) {
      if (this.credentials.size >= MAX_ENTRIES) this.credentials.clear();
      this.credentials.set(key, { token: result.token, until: Math.min(now + CREDENTIAL_TTL_MS, result.token.expiresAt.getTime()) });
    }
    return result;
  }

  async repository(name: string, now = Date.now()): Promise<UpstreamRepository | null> {
    if (this.trusted()) {
      const hit = this.repositories.get(name);
      if (hit && hit.until > now) return hit.repo;
    }
    const generation = this.generation;
    const [row] = await this.db.$queryRaw<
      { id: string; name: string; upstream_url: string; upstream_repository: string; upstream_username: string | null; upstream_secret_enc: string | null; redirect_mode: string }[]
    >`SELECT id, name, upstream_url, upstream_repository, upstream_username, upstream_secret_enc, redirect_mode FROM repositories WHERE name = ${name}`;
    const repo: UpstreamRepository | null = row
      ? {
          id: row.id,
          name: row.name,
          upstreamUrl: row.upstream_url.replace(/\/+$/, ''),
          upstreamRepository: row.upstream_repository,
          upstreamUsername: row.upstream_username,
          upstreamSecret: row.upstream_secret_enc ? openUpstreamSecret(row.id, row.upstream_secret_enc) : null,
          redirectMode: row.redirect_mode === 'passthrough' ? 'passthrough' : 'follow',
        }
      : null;
    if (this.trusted() && generation === this.generation) {
      if (this.repositories.size >= MAX_ENTRIES) this.repositories.clear();
      this.repositories.set(name, { repo, until: now + REPOSITORY_TTL_MS });
    }
    return repo;
  }

  /** Applies one change notification. */
  apply(change: RegistryChange | { kind: 'unknown' }): void {
    this.generation++;
    // Repository settings are few and cheap to reload: any change drops them.
    this.repositories.clear();
    if (change.kind === 'token') {
      for (const [key, entry] of this.credentials) if (entry.token.tokenId === change.tokenId) this.credentials.delete(key);
    } else if (change.kind === 'org') {
      for (const [key, entry] of this.credentials) if (entry.token.orgId === change.orgId) this.credentials.delete(key);
    } else if (change.kind === 'unknown') {
      this.credentials.clear();
    }
  }

  clear(): void {
    this.generation++;
    this.credentials.clear();
    this.repositories.clear();
  }

  get size(): { credentials: number; repositories: number } {
    return { credentials: this.credentials.size, repositories: this.repositories.size };
  }
}
