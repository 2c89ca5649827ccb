import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { auditExportChunks, auditExportStream, csvCell } from './export';
import { auditWhere, parseAuditFilters } from './filters';
import { appendSyntheticEvents } from '@/dev/testing/audit-fixtures';
import { verifyAuditChain } from './verify';

const ROWS = 20_000;
let scratch: ScratchDatabase;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  const org = (slug: string) => scratch.prisma.organization.create({ data: { name: slug, slug, contactEmail: `ops@${slug}.test` } });
  orgA = (await org('export-a')).id;
  orgB = (await org('export-b')).id;
  await scratch.prisma.$transaction((tx) => appendSyntheticEvents(tx, ROWS, { orgIds: [orgA, orgB, null, orgA], tricky: true, start: new Date('2026-01-01T00:00:00Z'), stepMs: 60_000 }), {
    timeout: 300_000,
  });
}, 300_000);
afterAll(async () => {
  await scratch?.drop();
});

/** RFC 4180 parsing, enough to check what we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('audit export', () => {
  it('streams a large filtered set as CSV that spreadsheets read safely', async () => {
    const where = auditWhere({}, orgA);
    const text = await read(auditExportStream(auditExportChunks(scratch.prisma, where, 'csv', 'staff', 1_000)));
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['id', 'occurred_at', 'actor_type', 'actor_id', 'actor_label', 'action', 'target_type', 'target_id', 'org_id', 'ip', 'user_agent', 'request_id', 'before', 'after', 'metadata', 'prev_hash', 'hash']);
    expect(rows).toHaveLength(ROWS / 2 + 1);
    expect(rows.slice(1).every((row) => row.length === 17 && row[8] === orgA)).toBe(true);
    const ids = rows.slice(1).map((row) => BigInt(row[0]!));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    const tricky = rows.find((row) => row[10]!.includes('HYPERLINK'))!;
    expect(tricky[10]).toBe('\'=HYPERLINK("x"), "quoted"\nnext line');
    expect(JSON.parse(tricky[13]!)).toMatchObject({ note: 'comma, "quote"' });
    expect(csvCell('-1+2')).toBe("'-1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('streams JSON that parses back to exactly the filtered events', async () => {
    const filters = parseAuditFilters({ action: 'token.*', from: '2026-01-02', to: '2026-01-03', actor: 'user1' });
    const where = auditWhere(filters, orgB);
    const expected = await scratch.prisma.auditEvent.count({ where });
    expect(expected).toBeGreaterThan(10);
    const events = JSON.parse(await read(auditExportStream(auditExportChunks(scratch.prisma, where, 'json', 'staff', 100)))) as { id: string; action: string; orgId: string; occurredAt: string; actorLabel: string }[];
    expect(events).toHaveLength(expected);
    for (const event of events) {
      expect(event.action.startsWith('token.')).toBe(true);
      expect(event.orgId).toBe(orgB);
      expect(event.actorLabel).toContain('user1');
      expect(event.occurredAt >= '2026-01-02T00:00:00.000Z' && event.occurredAt < '2026-01-04T00:00:00.000Z').toBe(true);
    }
    expect(JSON.parse(await read(auditExportStream(auditExportChunks(scratch.prisma, auditWhere({ actor: 'nobody-at-all' }), 'json', 'staff'))))).toEqual([]);
  });

  it('reads the next batch only when the client takes the previous one', async () => {
    let queries = 0;
    const counting = new Proxy(scratch.prisma, {
      get(target, property) {
        if (property !== 'auditEvent') return Reflect.get(target, property) as unknown;
        return new Proxy(target.auditEvent, {
          get(model, method) {
            const fn = Reflect.get(model, method) as (...args: unknown[]) => unknown;
            return (...args: unknown[]) => {
              if (method === 'findMany') queries++;
              return fn.apply(model, args);
            };
          },
        });
      },
    });
    const reader = auditExportStream(auditExportChunks(counting, {}, 'jsonl', 'staff', 500)).getReader();
    await reader.read();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(queries).toBeLessThanOrEqual(3); // of 40 batches
    await reader.cancel();
  });

  it('the synthetic chain verifies, so the benchmark measures a real chain', async () => {
    const result = await verifyAuditChain({ db: scratch.prisma });
    expect(result).toMatchObject({ ok: true, checked: ROWS });
  });
});
