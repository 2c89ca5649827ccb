import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliActor } from '@/lib/identity/auth/actor';
import { measure, withPeakRss, type Suite } from '@/dev/bench/harness';
import { createScratchDatabase } from '@/dev/testing/scratch-db';
import { auditExportChunks, type ExportFormat } from '@/lib/identity/audit/export';
import { auditWhere } from '@/lib/identity/audit/filters';
import { auditKeysetPage } from '@/lib/identity/audit/list';
import { appendSyntheticEvents } from '../testing/audit-fixtures';
import { runAuditRetention } from '@/lib/identity/audit/retention';
import { verifyAuditChain } from '@/lib/identity/audit/verify';

/**
 * `npm run bench audit` — AUDIT_BENCH_ROWS (default 1,000,000) chained events
 * in a scratch database: bulk insert, full chain verification, streamed
 * exports (rows/s and peak memory), the viewer's filtered page, retention.
 */
export const auditSuite: Suite = {
  name: 'audit',
  async run({ log, figure }) {
    const rows = Number(process.env.AUDIT_BENCH_ROWS ?? 1_000_000);
    const scratch = await createScratchDatabase();
    try {
      const db = scratch.prisma;
      const orgs = await Promise.all(
        ['bench-a', 'bench-b', 'bench-c'].map((slug, i) =>
          db.organization.create({ data: { name: slug, slug, contactEmail: `ops@${slug}.test`, tier: i === 0 ? 'community' : 'enterprise' } }),
        ),
      );
      const orgIds = [orgs[0]!.id, orgs[1]!.id, orgs[2]!.id, null];
      // Spread over the last 120 days, so a 30-day retention has work to do.
      const stepMs = Math.floor((120 * 24 * 3600 * 1000) / rows);
      const start = new Date(Date.now() - rows * stepMs);

      let t = performance.now();
      for (let done = 0; done < rows; done += 100_000) {
        const n = Math.min(100_000, rows - done);
        await db.$transaction((tx) => appendSyntheticEvents(tx, n, { orgIds, start: new Date(start.getTime() + done * stepMs), stepMs, batchSize: 5_000 }), { timeout: 600_000 });
      }
      let s = (performance.now() - t) / 1000;
      log(`insert ${rows.toLocaleString('en-US')} chained events: ${s.toFixed(1)} s`);
      figure('insert rows/s', rows / s, 'rows/s');

      t = performance.now();
      const verify = await withPeakRss(() => verifyAuditChain({ url: scratch.url }));
      s = (performance.now() - t) / 1000;
      log(`verify: ${verify.result.ok ? 'ok' : 'BROKEN'}, ${verify.result.checked.toLocaleString('en-US')} events in ${s.toFixed(1)} s, peak +${verify.peakMb.toFixed(0)} MB`);
      figure('verify rows/s', verify.result.checked / s, 'rows/s');
      figure('verify peak memory', verify.peakMb, 'MB');

      for (const [label, format, where] of [
        ['CSV, all', 'csv', {}],
        ['JSON, all', 'json', {}],
        ['CSV, one org + action prefix', 'csv', auditWhere({ action: 'token.' }, orgs[1]!.id)],
      ] as [string, ExportFormat, object][]) {
        let bytes = 0;
        const sink = new Writable({
          write(chunk: Buffer, _e, done) {
            bytes += chunk.length;
            done();
          },
        });
        t = performance.now();
        const { peakMb } = await withPeakRss(() => pipeline(Readable.from(auditExportChunks(db, where, format, 'staff', 2_000)), sink));
        s = (performance.now() - t) / 1000;
        const count = await db.auditEvent.count({ where });
        log(`export ${label}: ${count.toLocaleString('en-US')} rows, ${(bytes / 2 ** 20).toFixed(0)} MB in ${s.toFixed(1)} s, peak +${peakMb.toFixed(0)} MB`);
        figure(`export ${label} rows/s`, count / s, 'rows/s');
        figure(`export ${label} peak memory`, peakMb, 'MB');
      }

      // The viewer's page as it reads it now (keyset, LIMIT 51, no count; lib/identity/audit/list.ts); `npm run bench lists` has the rest.
      const where = auditWhere({ actor: 'user7@', action: 'token.' }, orgs[2]!.id);
      const first = { sort: 'occurredAt', dir: 'desc', take: 50 } as const;
      const page = await measure('viewer filtered page (keyset)', () => auditKeysetPage(db, where, first, { windowed: true }), { iterations: 10, warmup: 2 });
      log(`viewer filtered page: median ${page.medianMs.toFixed(0)} ms, p99 ${page.p99Ms.toFixed(0)} ms`);
      figure('viewer filtered page median', page.medianMs, 'ms');
      const unfiltered = await measure('viewer first page (keyset)', () => auditKeysetPage(db, {}, first), { iterations: 10, warmup: 2 });
      log(`viewer first page, all events: median ${unfiltered.medianMs.toFixed(0)} ms`);
      figure('viewer first page median', unfiltered.medianMs, 'ms');

      const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-archive-'));
      t = performance.now();
      const retention = await runAuditRetention(cliActor('bench'), { db, org: 'bench-a', archiveDir, now: new Date() });
      s = (performance.now() - t) / 1000;
      const removed = retention.results[0]?.removed ?? 0;
      log(`retention (community, 30 days): archived and removed ${removed.toLocaleString('en-US')} events in ${s.toFixed(1)} s`);
      figure('retention rows/s', removed / s, 'rows/s');
      fs.rmSync(archiveDir, { recursive: true, force: true });
      t = performance.now();
      const after = await verifyAuditChain({ url: scratch.url });
      log(`verify after retention: ${after.ok ? 'ok' : 'BROKEN'} across ${after.gaps.toLocaleString('en-US')} gaps, ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } finally {
      await scratch.drop();
    }
  },
};
