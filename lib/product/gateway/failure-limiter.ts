import 'server-only';
import type { Sql } from '@/lib/platform/db/sql';
import { log } from '@/lib/platform/log';
import { addressKey, hitRateLimit } from '@/lib/platform/rate-limit';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * Brute-force protection for registry credentials. Only failed attempts are
 * counted (per client address — IPv4, or an IPv6 /64, since one host usually
 * holds a whole /64 — and per username, in PostgreSQL so every replica
 * shares the counts); a presented credential is always checked first, and a
 * valid token is served however many failures its IP or username has. Once
 * a key is over its limit, this replica answers its failures with 429 from
 * memory until the window ends, without touching the database.
 */
export interface FailureLimits {
  perIp: number;
  perUser: number;
  windowSeconds: number;
}

export function failureLimitsFromEnv(source?: EnvSource): FailureLimits {
  return {
    perIp: env('REGISTRY_MAX_FAILURES_PER_IP', source),
    perUser: env('REGISTRY_MAX_FAILURES_PER_USER', source),
    windowSeconds: env('REGISTRY_FAILURE_WINDOW_SECONDS', source),
  };
}

export class FailureLimiter {
  private blockedUntil = new Map<string, number>();

  constructor(
    private readonly db: Sql,
    private readonly limits: FailureLimits,
  ) {}

  /** Seconds to wait if this IP or username is blocked on this replica, else 0. */
  blocked(ip: string | null, username: string, now = Date.now()): number {
    let wait = 0;
    for (const key of this.keys(ip, username)) {
      const until = this.blockedUntil.get(key);
      if (until === undefined) continue;
      if (until <= now) this.blockedUntil.delete(key);
      else wait = Math.max(wait, Math.ceil((until - now) / 1000));
    }
    return wait;
  }

  /** Counts one failure; returns seconds to wait when a limit is now exceeded, else 0. */
  async fail(ip: string | null, username: string): Promise<number> {
    const already = this.blocked(ip, username);
    if (already) return already;
    let wait = 0;
    try {
      for (const [key, max] of this.keys(ip, username).map((k) => [k, k.startsWith('gw-ip:') ? this.limits.perIp : this.limits.perUser] as const)) {
        const count = await hitRateLimit(this.db, key, this.limits.windowSeconds);
        if (count.count > max) {
          this.blockedUntil.set(key, Date.now() + count.retryAfterSeconds * 1000);
          wait = Math.max(wait, count.retryAfterSeconds);
        }
      }
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : error }, 'could not count a failed registry login');
    }
    if (this.blockedUntil.size > 50_000) this.blockedUntil.clear();
    return wait;
  }

  private keys(ip: string | null, username: string): string[] {
    const keys = [`gw-user:${username.toLowerCase().slice(0, 100)}`];
    if (ip) keys.unshift(`gw-ip:${addressKey(ip)}`);
    return keys;
  }
}
