import 'server-only';
import type { AuditChainGap, AuditEvent } from '@/lib/platform/db/client';
import { createSqlPool, type Sql } from '@/lib/platform/db/sql';
import { prisma } from '@/lib/platform/db/client';
import { env } from '@/lib/platform/config/env';
import { auditHash, GENESIS_HASH, type AuditContent } from './hash';

export type ChainBreak =
  | { kind: 'content'; id: bigint; message: string }
  | { kind: 'link'; id: bigint; message: string }
  | { kind: 'gap'; id: bigint; message: string };

export interface VerifyResult {
  ok: boolean;
  /** Events whose hash was recomputed. */
  checked: number;
  /** Retention gaps followed. */
  gaps: number;
  firstId: bigint | null;
  lastId: bigint | null;
  /** The first place where the chain does not hold; null when it holds throughout. */
  break: ChainBreak | null;
}

export function contentOf(event: Omit<AuditContent, 'before' | 'after' | 'metadata'> & Pick<AuditEvent, 'before' | 'after' | 'metadata'>): AuditContent {
  return {
    occurredAt: event.occurredAt,
    actorType: event.actorType,
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    orgId: event.orgId,
    ip: event.ip,
    userAgent: event.userAgent,
    requestId: event.requestId,
    before: event.before as AuditContent['before'],
    after: event.after as AuditContent['after'],
    metadata: event.metadata as AuditContent['metadata'],
  };
}

async function* batches<T extends { id: bigint }>(read: (after: bigint) => PromiseLike<T[]>): AsyncGenerator<T> {
  let after = -1n;
  for (;;) {
    const rows = await read(after);
    for (const row of rows) yield row;
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
  }
}

type ChainEvent = Pick<AuditEvent, 'id' | 'prevHash' | 'hash'> & Parameters<typeof contentOf>[0];
type ChainGap = Pick<AuditChainGap, 'firstId' | 'lastId' | 'firstPrevHash' | 'lastHash'> & { id: bigint };

/**
 * Walks the whole audit chain in id order and reports the first break:
 * an event whose content no longer matches its hash (edited), or whose
 * prev_hash is not the hash of the event before it (one was removed,
 * inserted or reordered). Holes left by the retention job are crossed using
 * their recorded gap rows, which must link exactly as the removed events did.
 *
 * Reads in keyset batches by id inside one repeatable-read snapshot, so
 * appends and retention runs during the walk cannot cause a false alarm,
 * and memory holds one batch whatever the length of the chain. Without
 * `db` it reads over a bare pg connection of its own (lib/platform/db/sql.ts)
 * rather than Prisma's client, whose result mapping left a million-event walk
 * +338 MB of resident memory (issue 18; `npm run bench lists` prints the figure).
 */
export async function verifyAuditChain(
  options: { db?: typeof prisma; url?: string; batchSize?: number; onProgress?: (checked: number) => void } = {},
): Promise<VerifyResult> {
  const batchSize = options.batchSize ?? 1_000;
  if (options.db) {
    return options.db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SET TRANSACTION READ ONLY`;
        return walk(tx, batchSize, options.onProgress);
      },
      { isolationLevel: 'RepeatableRead', timeout: 6 * 3600 * 1000, maxWait: 30_000 },
    );
  }
  const url = options.url ?? env('DATABASE_URL');
  if (!url) throw new Error('DATABASE_URL is not set.');
  const pool = createSqlPool(url, 1);
  try {
    return await pool.$transaction(async (tx) => {
      await tx.$executeRaw`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`;
      return walk(tx, batchSize, options.onProgress);
    });
  } finally {
    await pool.end();
  }
}

async function walk(db: Sql, batchSize: number, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  // Raw SQL with the content columns only: the same rows through either kind of connection.
  const events = batches<ChainEvent>(
    (after) => db.$queryRaw<ChainEvent[]>`
      SELECT id, occurred_at AS "occurredAt", actor_type AS "actorType", actor_id AS "actorId", actor_label AS "actorLabel", action,
             target_type AS "targetType", target_id AS "targetId", org_id AS "orgId", ip, user_agent AS "userAgent", request_id AS "requestId",
             before, after, metadata, prev_hash AS "prevHash", hash
      FROM audit_events WHERE id > ${after} ORDER BY id LIMIT ${batchSize}`,
  );
  // Gaps are ordered by the first id they stand for; they never overlap a surviving event.
  const gapRows = batches<ChainGap>(
    (after) => db.$queryRaw<ChainGap[]>`
      SELECT first_id AS id, first_id AS "firstId", last_id AS "lastId", first_prev_hash AS "firstPrevHash", last_hash AS "lastHash"
      FROM audit_chain_gaps WHERE first_id > ${after} ORDER BY first_id LIMIT ${batchSize}`,
  );

  const result: VerifyResult = { ok: true, checked: 0, gaps: 0, firstId: null, lastId: null, break: null };
  let expected = GENESIS_HASH;
  let nextGap = await gapRows.next();
  const fail = (problem: ChainBreak) => {
    result.ok = false;
    result.break = problem;
    return result;
  };

  for await (const event of events) {
    while (!nextGap.done && nextGap.value.firstId < event.id) {
      const gap = nextGap.value;
      if (gap.firstPrevHash !== expected) {
        return fail({
          kind: 'gap',
          id: gap.firstId,
          message: `The removed events ${gap.firstId}–${gap.lastId} do not follow the event before them: something between was changed.`,
        });
      }
      expected = gap.lastHash;
      result.gaps++;
      nextGap = await gapRows.next();
    }
    result.firstId ??= event.id;
    result.lastId = event.id;
    if (auditHash(event.prevHash, contentOf(event)) !== event.hash) {
      return fail({ kind: 'content', id: event.id, message: `Event ${event.id} (${event.action}) was altered: its content no longer matches its hash.` });
    }
    if (event.prevHash !== expected) {
      return fail({
        kind: 'link',
        id: event.id,
        message: `Event ${event.id} (${event.action}) does not follow the event before it: an event before it was removed, inserted or reordered outside the retention job.`,
      });
    }
    expected = event.hash;
    result.checked++;
    if (result.checked % 100_000 === 0) onProgress?.(result.checked);
  }
  // Gaps after the last event: the chain head itself was removed, which retention never does.
  if (!nextGap.done) {
    return fail({ kind: 'gap', id: nextGap.value.firstId, message: `Events from ${nextGap.value.firstId} on were removed, including the newest one.` });
  }
  return result;
}
