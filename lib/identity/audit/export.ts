import 'server-only';
import type { AuditEvent, Db, Prisma } from '@/lib/platform/db/client';
import { auditEventFor, type AuditAudience } from './customer-view';

export type ExportFormat = 'csv' | 'json' | 'jsonl';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

const CSV_COLUMNS = [
  'id',
  'occurred_at',
  'actor_type',
  'actor_id',
  'actor_label',
  'action',
  'target_type',
  'target_id',
  'org_id',
  'ip',
  'user_agent',
  'request_id',
  'before',
  'after',
  'metadata',
  'prev_hash',
  'hash',
] as const;

/**
 * An event as exported: JSON-safe (bigint id as a string), the field names of
 * the API. Customers (their export, their SIEM stream) get the fields
 * lib/identity/audit/customer-view.ts lets them see; staff get the event as recorded.
 */
export function exportRecord(recorded: AuditEvent, audience: AuditAudience) {
  const event = auditEventFor(audience, recorded);
  return {
    id: event.id.toString(),
    occurredAt: event.occurredAt.toISOString(),
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
    before: event.before,
    after: event.after,
    metadata: event.metadata,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/**
 * A CSV cell. Quoted when needed; a leading =, +, -, @ (or tab/CR) gets an
 * apostrophe so spreadsheets do not run it as a formula (an actor can choose
 * their own display name or user agent).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvLine(event: AuditEvent, audience: AuditAudience): string {
  const record = exportRecord(event, audience);
  const values = [
    record.id,
    record.occurredAt,
    record.actorType,
    record.actorId,
    record.actorLabel,
    record.action,
    record.targetType,
    record.targetId,
    record.orgId,
    record.ip,
    record.userAgent,
    record.requestId,
    record.before,
    record.after,
    record.metadata,
    record.prevHash,
    record.hash,
  ];
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * Audit events matching `where`, oldest first, read in id-keyed batches
 * (a keyset cursor: each batch continues after the last id of the previous
 * one, so memory stays at one batch however many rows match). The set is
 * fixed when reading starts: events appended later are not included.
 */
export async function* auditEventBatches(db: Db, where: Prisma.AuditEventWhereInput, batchSize = 2_000): AsyncGenerator<AuditEvent[]> {
  const last = await db.auditEvent.findFirst({ where, orderBy: { id: 'desc' }, select: { id: true } });
  if (!last) return;
  let after = -1n;
  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: { AND: [where, { id: { gt: after, lte: last.id } }] },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (batch.length === 0) return;
    yield batch;
    after = batch[batch.length - 1]!.id;
    if (batch.length < batchSize) return;
  }
}

/** The export as text chunks, one per batch: CSV with a header, a JSON array, or JSON lines. */
export async function* auditExportChunks(
  db: Db,
  where: Prisma.AuditEventWhereInput,
  format: ExportFormat,
  audience: AuditAudience,
  batchSize?: number,
): AsyncGenerator<string> {
  if (format === 'csv') yield `${CSV_COLUMNS.join(',')}\r\n`;
  if (format === 'json') yield '[';
  let first = true;
  for await (const batch of auditEventBatches(db, where, batchSize)) {
    if (format === 'csv') {
      yield batch.map((event) => csvLine(event, audience)).join('');
    } else if (format === 'jsonl') {
      yield batch.map((event) => `${JSON.stringify(exportRecord(event, audience))}\n`).join('');
    } else {
      let chunk = '';
      for (const event of batch) {
        chunk += `${first ? '\n' : ',\n'}${JSON.stringify(exportRecord(event, audience))}`;
        first = false;
      }
      yield chunk;
    }
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}

/**
 * A pull-based byte stream for an HTTP response: the next batch is read only
 * when the client has taken the previous one, so a slow download holds one
 * batch in memory, not the result set.
 */
export function auditExportStream(chunks: AsyncGenerator<string>, onError?: (error: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          onError?.(error);
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
