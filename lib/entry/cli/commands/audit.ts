import 'server-only';
import fs from 'node:fs';
import { once } from 'node:events';
import { z } from 'zod';
import { openAuditExport } from '@/lib/identity/audit/export-service';
import { auditFilterSchema } from '@/lib/identity/audit/filters';
import { retentionDays, runAuditRetention, setAuditRetention, MAX_RETENTION_DAYS } from '@/lib/identity/audit/retention';
import { verifyAuditChain } from '@/lib/identity/audit/verify';
import { prisma } from '@/lib/platform/db/client';
import { AppError, ValidationError } from '@/lib/platform/errors';
import { cliContext } from '../context';
import type { RegisterCommand } from '.';

/** A verify failure is exit code 1 with the break on stderr, like any other error. */
class ChainBrokenError extends AppError {
  constructor(message: string) {
    super(message, 409, 'chain_broken');
  }
}

export const registerAudit: RegisterCommand = (program, kit) => {
  const audit = program.command('audit').description('audit log: verify the hash chain, export, retention');

  audit
    .command('verify')
    .description('walk the whole hash chain and report the first break (exit 1 when broken)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      await cliContext();
      const out = kit.output(!!options.json);
      const started = performance.now();
      const result = await verifyAuditChain();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (options.json) out.data({ ...result, seconds: Number(seconds) });
      if (!result.ok) throw new ChainBrokenError(`chain broken at event ${result.break!.id}: ${result.break!.message}`);
      if (!options.json) {
        out.print(
          result.checked === 0
            ? 'The audit log is empty.'
            : `OK: ${result.checked.toLocaleString('en-US')} events (ids ${result.firstId}–${result.lastId}) chain correctly${result.gaps ? `, across ${result.gaps} retention gap(s)` : ''} (${seconds} s).`,
        );
      }
    });

  audit
    .command('export')
    .description('export audit events as CSV, a JSON array or JSON lines (streamed)')
    .option('--format <format>', 'csv | json | jsonl', 'csv')
    .option('--out <file>', 'write to this file instead of standard output')
    .option('--org <slug>', 'only this customer\'s events')
    .option('--actor <text>', 'actor label contains, or actor id')
    .option('--action <action>', 'exact action, or a prefix like token.*')
    .option('--target <target>', 'target type, id, or type:id')
    .option('--from <date>', 'from this date or time (UTC)')
    .option('--to <date>', 'up to and including this date (UTC)')
    .action(async (options: Record<string, string | undefined>) => {
      const { actor } = await cliContext();
      const format = z.enum(['csv', 'json', 'jsonl']).parse(options.format);
      const filters = auditFilterSchema.parse({ actor: options.actor, action: options.action, target: options.target, from: options.from, to: options.to });
      const { chunks } = await openAuditExport(actor, options.org ? { kind: 'org', slug: options.org } : { kind: 'all' }, filters, format);
      if (options.out) {
        const file = fs.createWriteStream(options.out);
        for await (const chunk of chunks) {
          if (!file.write(chunk)) await once(file, 'drain');
        }
        file.end();
        await once(file, 'finish');
        kit.output(false).print(`Wrote ${options.out}`);
      } else {
        const out = kit.output(false);
        for await (const chunk of chunks) out.write(chunk);
      }
    });

  const retention = audit.command('retention').description('how long audit events are kept per customer');

  retention
    .command('show')
    .description('each customer\'s retention and what would be removed now')
    .option('--org <slug>', 'only this customer')
    .option('--json', 'machine-readable output')
    .action(async (options: { org?: string; json?: boolean }) => {
      const { actor } = await cliContext();
      const preview = await runAuditRetention(actor, { org: options.org, dryRun: true });
      const orgs = await prisma.organization.findMany({ where: options.org ? { slug: options.org } : {}, select: { slug: true, tier: true, auditRetentionDays: true } });
      const bySlug = new Map(orgs.map((org) => [org.slug, org]));
      kit.output(!!options.json).table(
        preview.results.map((result) => {
          const org = bySlug.get(result.org)!;
          return { org: result.org, tier: org.tier, days: result.days, source: retentionDays(org).source, cutoff: result.cutoff, expired: result.removed };
        }),
        [
          { key: 'org', label: 'Customer' },
          { key: 'tier', label: 'Tier' },
          { key: 'days', label: 'Days' },
          { key: 'source', label: 'Set by' },
          { key: 'cutoff', label: 'Removes before' },
          { key: 'expired', label: 'Expired now' },
        ],
      );
    });

  retention
    .command('set')
    .description(`set a customer's retention in days (1–${MAX_RETENTION_DAYS}), or "default" for its tier's`)
    .argument('<org>', 'customer slug')
    .argument('<days>', 'days, or default')
    .action(async (slug: string, days: string) => {
      const { actor } = await cliContext();
      const value = days === 'default' ? null : Number(days);
      if (value !== null && !Number.isInteger(value)) throw ValidationError.field('days', 'Give a whole number of days, or "default".');
      const result = await setAuditRetention(actor, { slug, days: value });
      kit.output(false).print(`${slug}: audit events kept ${result.days} days (${result.source === 'org' ? 'set for this customer' : 'tier default'}).`);
    });

  retention
    .command('run')
    .description('archive expired events to files, then remove them (audited)')
    .option('--org <slug>', 'only this customer')
    .option('--archive-dir <dir>', 'where archives are written (default $AUDIT_ARCHIVE_DIR or .data/audit-archive)')
    .option('--dry-run', 'only count what would be removed')
    .option('--json', 'machine-readable output')
    .action(async (options: { org?: string; archiveDir?: string; dryRun?: boolean; json?: boolean }) => {
      const { actor } = await cliContext();
      const result = await runAuditRetention(actor, { org: options.org, archiveDir: options.archiveDir, dryRun: options.dryRun });
      if (!result.ran) throw new AppError('Another retention run is in progress; try again later.', 409, 'busy');
      kit.output(!!options.json).table(
        result.results.map((row) => ({ ...row, eventId: row.eventId?.toString() ?? null })),
        [
          { key: 'org', label: 'Customer' },
          { key: 'days', label: 'Days' },
          { key: 'cutoff', label: 'Before' },
          { key: 'removed', label: options.dryRun ? 'Would remove' : 'Removed' },
          { key: 'archive', label: 'Archive' },
        ],
      );
    });
};
