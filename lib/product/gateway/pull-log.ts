import 'server-only';
import { sqlTimestamp, type Sql, type SqlDatabase } from '@/lib/platform/db/sql';
import { log } from '@/lib/platform/log';
import { metrics } from '@/lib/platform/observability/metrics';
import { recordAudit } from '@/lib/identity/audit/record';
import { systemActor } from '@/lib/identity/auth/actor';
import { monthStart } from '@/lib/plans/usage';
import { markOnboardingItem } from '@/lib/identity/onboarding/items';
import { sendQuotaNotice, type QuotaNotice } from './quota-notices';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * Pull events are written off the request path: requests append to an
 * in-memory buffer, flushed every second (or sooner when it fills) in one
 * transaction that inserts the events, adds them to the daily rollup and
 * records the tokens' last use. A flush that fails (database down) keeps its
 * events for the next try; `close()` flushes what is left, so a clean stop
 * loses nothing. The month's quota warning and first refusal, claimed in that
 * transaction, are mailed once it has committed (lib/product/gateway/quota-notices.ts).
 */
export type PullOutcome = 'success' | 'unauthorized' | 'denied' | 'not_found' | 'rate_limited' | 'upstream_error';

export interface PullEventInput {
  occurredAt?: Date;
  orgId?: string | null;
  tokenId?: string | null;
  username?: string | null;
  repository: string;
  reference: string;
  digest?: string | null;
  method: string;
  outcome: PullOutcome;
  reason?: string | null;
  clientIp?: string | null;
  userAgent?: string | null;
}

interface QueuedEvent extends PullEventInput {
  occurredAt: Date;
  counted: boolean;
}

/** docker sends HEAD then GET for one pull; podman may ask twice: one pull per token, repository and digest per window. */
export const PULL_DEDUP_WINDOW_MS = 60_000;
const MAX_BUFFER = 100_000;

export interface PullLogOptions {
  flushIntervalMs?: number;
  batchSize?: number;
  /** How long mailing one quota notice may take (default 30 s). */
  quotaMailDeadlineMs?: number;
}

/** The reason recorded on a manifest refused past the monthly quota (lib/product/gateway/quota.ts). */
export const QUOTA_REFUSAL_REASON = 'monthly pull quota reached';

/** What the pull log tells the quota gate, and asks it when warning (lib/product/gateway/quota.ts). */
export interface QuotaHooks {
  counted(orgId: string): void;
  cached(orgId: string): { warnAt: number | null; limit: number | null; threshold: number } | undefined;
}

/** PULL_EVENTS_FLUSH_MS: how often buffered pull events are written (default 1 s), for `npm start` and `npm run gateway` alike. */
export function pullLogOptionsFromEnv(source?: EnvSource): PullLogOptions {
  const flushIntervalMs = env('PULL_EVENTS_FLUSH_MS', source);
  return flushIntervalMs === undefined ? {} : { flushIntervalMs };
}

export class PullEventWriter {
  private queue: QueuedEvent[] = [];
  private tokenUse = new Map<string, { at: Date; ip: string | null }>();
  private lastCounted = new Map<string, number>();
  /** Customers whose onboarding "first successful pull" this process has already seen ticked. */
  private firstPullTicked = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private mailing = new Set<Promise<void>>();
  private closed = false;
  dropped = 0;

  quota: QuotaHooks | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: PullLogOptions = {},
  ) {
    this.timer = setInterval(() => this.flushInBackground(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  get pending(): number {
    return this.queue.length;
  }

  record(input: PullEventInput): void {
    const occurredAt = input.occurredAt ?? new Date();
    let counted = false;
    if (input.outcome === 'success' && input.tokenId && input.digest) {
      const repoKey = `${input.tokenId}\u0000${input.repository}`;
      const key = `${repoKey}\u0000${input.digest}`;
      const recent = (k: string) => {
        const last = this.lastCounted.get(k);
        return last !== undefined && occurredAt.getTime() - last <= PULL_DEDUP_WINDOW_MS;
      };
      // A by-digest request right after a counted pull of the same repository is
      // that pull's platform manifest (multi-arch images), not another pull.
      counted = !recent(key) && !(input.reference.includes(':') && recent(repoKey));
      if (counted) {
        this.lastCounted.set(key, occurredAt.getTime());
        this.lastCounted.set(repoKey, occurredAt.getTime());
        if (input.orgId) this.quota?.counted(input.orgId);
      }
    }
    this.queue.push({ ...input, occurredAt, counted, reference: input.reference.slice(0, 256), userAgent: input.userAgent?.slice(0, 512) ?? null });
    if (this.queue.length > MAX_BUFFER) {
      this.queue.splice(0, this.queue.length - MAX_BUFFER);
      this.dropped++;
    }
    metrics.pullEventBufferDepth(this.queue.length);
    if (this.queue.length >= (this.options.batchSize ?? 500)) this.flushInBackground();
  }

  /** A failed background flush is logged in write() and retried on the next tick. */
  private flushInBackground(): void {
    this.flush().catch(() => {});
  }

  /** Remembers a token's latest use; written with the next flush. */
  touchToken(tokenId: string, ip: string | null, at = new Date()): void {
    this.tokenUse.set(tokenId, { at, ip });
  }

  /** Writes everything buffered so far. Concurrent calls share one flush. */
  async flush(): Promise<void> {
    if (this.flushing) {
      await this.flushing;
      if (this.queue.length === 0 && this.tokenUse.size === 0) return;
    }
    if (this.queue.length === 0 && this.tokenUse.size === 0) return;
    this.flushing = this.write().finally(() => {
      this.flushing = null;
      metrics.pullEventBufferDepth(this.queue.length);
    });
    await this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.queue.splice(0, 2_000);
    const uses = [...this.tokenUse.entries()];
    this.tokenUse.clear();
    const firstPulls = [...new Set(batch.filter((e) => e.counted && e.orgId && !this.firstPullTicked.has(e.orgId)).map((e) => e.orgId!))];
    let notices: QuotaNotice[];
    try {
      notices = await writeBatch(this.db, batch, uses, firstPulls, this.quota);
      for (const orgId of firstPulls) this.firstPullTicked.add(orgId);
      if (this.firstPullTicked.size > 100_000) this.firstPullTicked.clear();
      this.pruneDedup();
    } catch (error) {
      // Keep them for the next try, oldest first; newer token uses win.
      this.queue.unshift(...batch);
      for (const [id, use] of uses) if (!this.tokenUse.has(id)) this.tokenUse.set(id, use);
      if (!this.closed) log.warn({ err: error instanceof Error ? error.message : error, pending: this.queue.length }, 'pull events not written yet; retrying');
      throw error;
    }
    for (const notice of notices) this.mail(notice);
  }

  /** After the commit, off the flush: the flush (and the gateway's requests) never wait for SMTP. */
  private mail(notice: QuotaNotice): void {
    const sending = sendQuotaNotice(this.db, notice, { deadlineMs: this.options.quotaMailDeadlineMs }).finally(() => this.mailing.delete(sending));
    this.mailing.add(sending);
  }

  /** Resolves when the quota mail started so far has been sent or given up (each has a deadline). */
  async mailSettled(): Promise<void> {
    while (this.mailing.size) await Promise.all([...this.mailing]);
  }

  private pruneDedup(): void {
    const cutoff = Date.now() - PULL_DEDUP_WINDOW_MS;
    if (this.lastCounted.size < 1_000) return;
    for (const [key, at] of this.lastCounted) if (at < cutoff) this.lastCounted.delete(key);
  }

  /** Stops the timer and writes what is left (retrying briefly if the database is away); quota mail gets what is left of the deadline. */
  async close(deadlineMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + deadlineMs;
    while (this.queue.length || this.tokenUse.size) {
      try {
        await this.flush();
      } catch (error) {
        if (Date.now() > deadline) {
          this.closed = true;
          log.error({ err: error instanceof Error ? error.message : error, lost: this.queue.length }, 'pull events lost at shutdown: database unreachable');
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      this.mailSettled().then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (late) log.error({ notices: this.mailing.size }, 'quota mail abandoned at shutdown');
  }
}

async function writeBatch(db: SqlDatabase, batch: QueuedEvent[], uses: [string, { at: Date; ip: string | null }][], firstPulls: string[], quota: QuotaHooks | null = null): Promise<QuotaNotice[]> {
  return db.$transaction(async (tx) => {
    let notices: QuotaNotice[] = [];
    // Onboarding: the customer's first successful pull ticks itself, with the events that show it.
    if (firstPulls.length) {
      const existing = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM organizations WHERE id = ANY(${firstPulls}::text[])`;
      for (const { id } of existing) await markOnboardingItem(tx, id, 'first_pull', 'gateway');
    }
    if (batch.length) {
      await dedupAgainstDatabase(tx, batch);
      // One INSERT over 13 arrays, not 13 parameters per row: a 500-row batch
      // stays a small, fixed-shape statement.
      await tx.$executeRaw`
        INSERT INTO pull_events (occurred_at, org_id, token_id, username, repository, reference, digest, method, outcome, reason, counted, client_ip, user_agent)
        SELECT * FROM unnest(
          ${batch.map((e) => sqlTimestamp(e.occurredAt))}::timestamp[], ${batch.map((e) => e.orgId ?? null)}::text[], ${batch.map((e) => e.tokenId ?? null)}::text[],
          ${batch.map((e) => e.username ?? null)}::text[], ${batch.map((e) => e.repository)}::text[], ${batch.map((e) => e.reference)}::text[],
          ${batch.map((e) => e.digest ?? null)}::text[], ${batch.map((e) => e.method)}::text[], ${batch.map((e) => e.outcome)}::text[],
          ${batch.map((e) => e.reason ?? null)}::text[], ${batch.map((e) => e.counted)}::boolean[], ${batch.map((e) => e.clientIp ?? null)}::text[],
          ${batch.map((e) => e.userAgent ?? null)}::text[])`;
      await addToRollup(tx, batch);
      notices = await addToQuota(tx, batch, quota);
    }
    if (uses.length) {
      await tx.$executeRaw`
        UPDATE registry_tokens t SET last_used_at = v.at, last_used_ip = v.ip
        FROM unnest(${uses.map(([id]) => id)}::text[], ${uses.map(([, use]) => sqlTimestamp(use.at))}::timestamp[], ${uses.map(([, use]) => use.ip)}::text[]) AS v(id, at, ip)
        WHERE t.id = v.id AND (t.last_used_at IS NULL OR t.last_used_at < v.at)`;
    }
    return notices;
  });
}

/** Another replica may have counted the same pull (HEAD there, GET here). */
async function dedupAgainstDatabase(tx: Sql, batch: QueuedEvent[]): Promise<void> {
  const candidates = batch.filter((e) => e.counted);
  if (candidates.length === 0) return;
  const since = new Date(Math.min(...candidates.map((e) => e.occurredAt.getTime())) - PULL_DEDUP_WINDOW_MS);
  const rows = await tx.$queryRaw<{ token_id: string; repository: string; digest: string; last: Date }[]>`
    SELECT token_id, repository, digest, max(occurred_at) AS last FROM pull_events
    WHERE counted AND occurred_at >= ${sqlTimestamp(since)}::timestamp AND (token_id, repository, digest) IN (
      SELECT * FROM unnest(${candidates.map((e) => e.tokenId)}::text[], ${candidates.map((e) => e.repository)}::text[], ${candidates.map((e) => e.digest)}::text[]))
    GROUP BY token_id, repository, digest`;
  const last = new Map(rows.map((r) => [`${r.token_id}\u0000${r.repository}\u0000${r.digest}`, r.last.getTime()]));
  for (const e of candidates) {
    const seen = last.get(`${e.tokenId}\u0000${e.repository}\u0000${e.digest}`);
    if (seen !== undefined && Math.abs(e.occurredAt.getTime() - seen) <= PULL_DEDUP_WINDOW_MS) e.counted = false;
  }
}

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

async function addToRollup(tx: Sql, batch: QueuedEvent[]): Promise<void> {
  const groups = new Map<string, { day: string; orgId: string; repository: string; reference: string; outcome: string; pulls: number; requests: number; lastAt: Date }>();
  for (const e of batch) {
    const day = utcDay(e.occurredAt);
    const orgId = e.orgId ?? '';
    const key = [day, orgId, e.repository, e.reference, e.outcome].join('\u0000');
    const group = groups.get(key) ?? { day, orgId, repository: e.repository, reference: e.reference, outcome: e.outcome, pulls: 0, requests: 0, lastAt: e.occurredAt };
    group.requests++;
    if (e.counted) group.pulls++;
    if (e.occurredAt > group.lastAt) group.lastAt = e.occurredAt;
    groups.set(key, group);
  }
  const groupList = [...groups.values()];
  await tx.$executeRaw`
    INSERT INTO pull_daily (day, org_id, repository, reference, outcome, pulls, requests, last_at)
    SELECT * FROM unnest(
      ${groupList.map((g) => g.day)}::date[], ${groupList.map((g) => g.orgId)}::text[], ${groupList.map((g) => g.repository)}::text[], ${groupList.map((g) => g.reference)}::text[],
      ${groupList.map((g) => g.outcome)}::text[], ${groupList.map((g) => g.pulls)}::int[], ${groupList.map((g) => g.requests)}::int[], ${groupList.map((g) => sqlTimestamp(g.lastAt))}::timestamp[])
    ON CONFLICT (day, org_id, repository, reference, outcome) DO UPDATE SET
      pulls = pull_daily.pulls + excluded.pulls,
      requests = pull_daily.requests + excluded.requests,
      last_at = greatest(pull_daily.last_at, excluded.last_at)`;
}

/**
 * Counted pulls go to the customer's monthly row (what the gateway's quota
 * check reads). Crossing the warning threshold, and the first refusal of a
 * month, are audited once per month (customer-visible, so admins see them in
 * their audit log and SIEM stream; staff in theirs), whichever replica gets there first.
 * Returns what this transaction claimed, to be mailed once it commits.
 */
async function addToQuota(tx: Sql, batch: QueuedEvent[], quota: QuotaHooks | null): Promise<QuotaNotice[]> {
  const notices: QuotaNotice[] = [];
  const counts = new Map<string, { orgId: string; month: string; pulls: number }>();
  const refusals = new Map<string, { orgId: string; month: string }>();
  for (const e of batch) {
    if (!e.orgId) continue;
    const month = monthStart(e.occurredAt).toISOString().slice(0, 10);
    const key = `${e.orgId}\u0000${month}`;
    if (e.counted) {
      const group = counts.get(key) ?? { orgId: e.orgId, month, pulls: 0 };
      group.pulls++;
      counts.set(key, group);
    } else if (e.outcome === 'denied' && e.reason === QUOTA_REFUSAL_REASON) {
      refusals.set(key, { orgId: e.orgId, month });
    }
  }
  const actor = systemActor('gateway');
  if (counts.size) {
    const rows = [...counts.values()];
    const updated = await tx.$queryRaw<{ org_id: string; month: Date; pulls: number; warned_at: Date | null }[]>`
      INSERT INTO pull_quota_usage (org_id, month, pulls)
      SELECT v.org_id, v.month, v.pulls FROM unnest(${rows.map((r) => r.orgId)}::text[], ${rows.map((r) => r.month)}::date[], ${rows.map((r) => r.pulls)}::int[]) AS v(org_id, month, pulls)
      JOIN organizations o ON o.id = v.org_id
      ON CONFLICT (org_id, month) DO UPDATE SET pulls = pull_quota_usage.pulls + excluded.pulls
      RETURNING org_id, month, pulls, warned_at`;
    for (const row of updated) {
      const known = quota?.cached(row.org_id);
      if (row.warned_at || !known || known.warnAt === null || row.pulls < known.warnAt) continue;
      const claimed = await tx.$queryRaw<{ org_id: string }[]>`
        UPDATE pull_quota_usage SET warned_at = (now() AT TIME ZONE 'UTC') WHERE org_id = ${row.org_id} AND month = ${row.month} AND warned_at IS NULL RETURNING org_id`;
      if (!claimed.length) continue;
      await recordAudit(tx, actor, {
        action: 'quota.pull_warning',
        target: { type: 'organization', id: row.org_id },
        orgId: row.org_id,
        metadata: { used: row.pulls, limit: known.limit, threshold: known.threshold, month: utcDay(row.month).slice(0, 7) },
      });
      notices.push({ kind: 'warning', orgId: row.org_id, month: utcDay(row.month), used: row.pulls });
    }
  }
  for (const refusal of refusals.values()) {
    const claimed = await tx.$queryRaw<{ org_id: string; pulls: number }[]>`
      INSERT INTO pull_quota_usage (org_id, month, pulls, refused_at)
      SELECT id, ${refusal.month}::date, 0, (now() AT TIME ZONE 'UTC') FROM organizations WHERE id = ${refusal.orgId}
      ON CONFLICT (org_id, month) DO UPDATE SET refused_at = excluded.refused_at WHERE pull_quota_usage.refused_at IS NULL
      RETURNING org_id, pulls`;
    if (!claimed.length) continue;
    await recordAudit(tx, actor, {
      action: 'quota.pull_refused',
      target: { type: 'organization', id: refusal.orgId },
      orgId: refusal.orgId,
      metadata: { used: claimed[0]!.pulls, limit: quota?.cached(refusal.orgId)?.limit ?? null, month: refusal.month.slice(0, 7) },
    });
    notices.push({ kind: 'refused', orgId: refusal.orgId, month: refusal.month, used: claimed[0]!.pulls });
  }
  return notices;
}
