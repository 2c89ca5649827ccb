import 'server-only';
import type { AuditChainGap, AuditEvent, Db } from '@/lib/platform/db/client';
import { prisma } from '@/lib/platform/db/client';
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

export function contentOf(event: AuditEvent): AuditContent {
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

async function* batches<T extends { id: bigint }>(read: (after: bigint) => Promise<T[]>): AsyncGenerator<T> {
  let after = -1n;
  for (;;) {
    const rows = await read(after);
    for (const row of rows) yield row;
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * Walks the whole audit chain in id order and reports the first break:
 * an event whose content no longer matches its hash (edited), or whose
 * prev_hash is not the hash of the event before it (one was removed,
 * inserted or reordered). Holes left by the retention job are crossed using
 * their recorded gap rows, which must link exactly as the removed events did.
 *
 * Reads in batches inside one repeatable-read snapshot, so appends and
 * retention runs during the walk cannot cause a false alarm.
 */
export async function verifyAuditChain(options: { db?: typeof prisma; batchSize?: number; onProgress?: (checked: number) => void } = {}): Promise<VerifyResult> {
  const db = options.db ?? prisma;
  const batchSize = options.batchSize ?? 5_000;
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SET TRANSACTION READ ONLY`;
      return walk(tx, batchSize, options.onProgress);
    },
    { isolationLevel: 'RepeatableRead', timeout: 6 * 3600 * 1000, maxWait: 30_000 },
  );
}

async function walk(db: Db, batchSize: number, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  const events = batches<AuditEvent>((after) => db.auditEvent.findMany({ where: { id: { gt: after } }, orderBy: { id: 'asc' }, take: batchSize }));
  // Gaps are ordered by the first id they stand for; they never overlap a surviving event.
  const gapRows = batches<AuditChainGap & { id: bigint }>(async (after) => {
    const rows = await db.auditChainGap.findMany({ where: { firstId: { gt: after } }, orderBy: { firstId: 'asc' }, take: batchSize });
    return rows.map((row) => ({ ...row, gapId: row.id, id: row.firstId }));
  });

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
