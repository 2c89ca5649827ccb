import 'server-only';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { z } from 'zod';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { auditExportChunks } from './export';
import { recordAudit } from './record';
import { DAY } from '@/lib/platform/time';
import { env } from '@/lib/platform/config/env';

/** Days an org's audit events are kept when it has no explicit policy. */
export const TIER_RETENTION_DAYS: Record<string, number> = {
  community: 30,
  team: 90,
  enterprise: 365,
};
export const FALLBACK_RETENTION_DAYS = 90;
export const MAX_RETENTION_DAYS = 3650;

/**
 * The org's policy, else its tier's default. `tier` is the stored tier, which
 * billing keeps at its one decision (a manual tier wins, else the
 * subscriptions), as features and quotas read it.
 */
export function retentionDays(org: { tier: string; auditRetentionDays: number | null }): { days: number; source: 'org' | 'tier' } {
  if (org.auditRetentionDays !== null) return { days: org.auditRetentionDays, source: 'org' };
  return { days: TIER_RETENTION_DAYS[org.tier] ?? FALLBACK_RETENTION_DAYS, source: 'tier' };
}

export function defaultArchiveDir(): string {
  return path.resolve(env('AUDIT_ARCHIVE_DIR'));
}

export const retentionPolicySchema = z.object({
  slug: z.string().trim().min(1),
  /** null: back to the tier's default. */
  days: z.number().int().min(1, 'Keep events for at least a day.').max(MAX_RETENTION_DAYS, `At most ${MAX_RETENTION_DAYS} days.`).nullable(),
});

/** Sets (or clears, with null) an org's audit retention. Staff only; audited. */
export async function setAuditRetention(actor: Actor, input: z.input<typeof retentionPolicySchema>) {
  assertStaffPermission(actor, 'customers.update');
  const { slug, days } = retentionPolicySchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const org = await tx.organization.findUnique({ where: { slug } });
    if (!org) throw ValidationError.field('slug', `No customer with the slug ${slug}.`);
    const updated = await tx.organization.update({ where: { id: org.id }, data: { auditRetentionDays: days } });
    await recordAudit(tx, actor, {
      action: 'audit.retention.update',
      target: { type: 'organization', id: org.id },
      orgId: org.id,
      before: { auditRetentionDays: org.auditRetentionDays },
      after: { auditRetentionDays: days },
    });
    return { org: updated, ...retentionDays(updated) };
  });
}

export interface GapRun {
  firstId: bigint;
  lastId: bigint;
  count: number;
  firstPrevHash: string;
  lastHash: string;
}

/**
 * Groups removed events (in id order) into runs that were consecutive in the
 * chain: the next one's prev_hash is this one's hash. `open` carries the
 * last run of the previous batch so runs continue across batches.
 */
export function gapRuns(rows: { id: bigint; prevHash: string; hash: string }[], open: GapRun | null = null): { closed: GapRun[]; open: GapRun | null } {
  const closed: GapRun[] = [];
  let current = open;
  for (const row of rows) {
    if (current && row.prevHash === current.lastHash) {
      current.lastId = row.id;
      current.lastHash = row.hash;
      current.count++;
    } else {
      if (current) closed.push(current);
      current = { firstId: row.id, lastId: row.id, count: 1, firstPrevHash: row.prevHash, lastHash: row.hash };
    }
  }
  return { closed, open: current };
}

export interface OrgRetentionResult {
  org: string;
  days: number;
  cutoff: Date;
  removed: number;
  archive: string | null;
  sha256: string | null;
  eventId: bigint | null;
}

const RETENTION_JOB_LOCK = 0x70726574; // "pret": one retention run at a time across replicas
const DELETE_BATCH = 10_000;

/**
 * Applies each org's retention policy: the expired events are first written
 * to a gzipped JSON-lines archive (fsynced), then removed in one transaction
 * that records `audit.retention.purge` (with the archive's name and SHA-256),
 * records the chain gaps so `audit verify` still passes, and sets the purge
 * switch the append-only trigger honours. If anything fails the events stay.
 */
export async function runAuditRetention(
  actor: Actor,
  options: { org?: string; now?: Date; archiveDir?: string; dryRun?: boolean; db?: typeof prisma } = {},
): Promise<{ ran: boolean; results: OrgRetentionResult[] }> {
  assertStaffPermission(actor, 'settings.manage');
  const db = options.db ?? prisma;
  const now = options.now ?? new Date();
  const archiveDir = options.archiveDir ?? defaultArchiveDir();
  const orgs = await db.organization.findMany({
    where: options.org ? { slug: options.org } : {},
    select: { id: true, slug: true, tier: true, auditRetentionDays: true },
    orderBy: { createdAt: 'asc' },
  });
  if (options.org && orgs.length === 0) throw ValidationError.field('org', `No customer with the slug ${options.org}.`);

  const results: OrgRetentionResult[] = [];
  for (const org of orgs) {
    const { days } = retentionDays(org);
    const cutoff = new Date(now.getTime() - days * DAY);
    const where = { orgId: org.id, occurredAt: { lt: cutoff } };
    const expired = await db.auditEvent.aggregate({ where, _count: true, _max: { id: true }, _min: { id: true } });
    const base: OrgRetentionResult = { org: org.slug, days, cutoff, removed: 0, archive: null, sha256: null, eventId: null };
    if (expired._count === 0 || options.dryRun) {
      results.push({ ...base, removed: options.dryRun ? expired._count : 0 });
      continue;
    }
    const maxId = expired._max.id!;
    const bounded = { ...where, id: { lte: maxId } };
    const archive = await writeArchive(db, archiveDir, org.slug, now, bounded);
    const outcome = await purge(db, actor, { org, days, cutoff, bounded, archive });
    if (!outcome) return { ran: false, results };
    results.push({ ...base, removed: archive.count, archive: archive.file, sha256: archive.sha256, eventId: outcome.eventId });
  }
  return { ran: true, results };
}

async function writeArchive(db: Db, dir: string, slug: string, now: Date, where: object) {
  fs.mkdirSync(path.join(dir, slug), { recursive: true, mode: 0o700 });
  const stamp = now.toISOString().replaceAll(':', '').replace(/\.\d+Z$/, 'Z');
  const file = path.join(dir, slug, `audit-${slug}-${stamp}.jsonl.gz`);
  const partial = `${file}.partial`;
  let count = 0;
  async function* lines() {
    for await (const chunk of auditExportChunks(db, where, 'jsonl', 'staff')) {
      count += chunk.split('\n').length - 1;
      yield chunk;
    }
  }
  await pipeline(Readable.from(lines()), createGzip(), fs.createWriteStream(partial, { mode: 0o600 }));
  const handle = await fs.promises.open(partial, 'r');
  await handle.sync();
  await handle.close();
  await fs.promises.rename(partial, file);
  const sha256 = createHash('sha256');
  await pipeline(fs.createReadStream(file), sha256);
  return { file, count, sha256: sha256.digest('hex') };
}

async function purge(
  db: typeof prisma,
  actor: Actor,
  job: { org: { id: string; slug: string }; days: number; cutoff: Date; bounded: object; archive: { file: string; count: number; sha256: string } },
): Promise<{ eventId: bigint } | null> {
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RETENTION_JOB_LOCK}) AS locked`;
      if (!lock?.locked) return null;
      // Recorded first: it becomes the chain head, which retention never removes.
      const event = await recordAudit(tx, actor, {
        action: 'audit.retention.purge',
        target: { type: 'organization', id: job.org.id },
        orgId: job.org.id,
        metadata: {
          retentionDays: job.days,
          cutoff: job.cutoff.toISOString(),
          removed: job.archive.count,
          archive: path.basename(job.archive.file),
          archiveSha256: job.archive.sha256,
        },
      });
      await tx.$executeRaw`SET LOCAL portcullis.audit_purge = on`;
      let removed = 0;
      let open: GapRun | null = null;
      let after = -1n;
      for (;;) {
        const rows = await tx.auditEvent.findMany({
          where: { AND: [job.bounded, { id: { gt: after } }] },
          orderBy: { id: 'asc' },
          take: DELETE_BATCH,
          select: { id: true, prevHash: true, hash: true },
        });
        if (rows.length === 0) break;
        const runs = gapRuns(rows, open);
        open = runs.open;
        await insertGaps(tx, runs.closed, job.org.id, event.id);
        const ids = rows.map((row) => row.id);
        removed += await tx.$executeRaw`DELETE FROM audit_events WHERE id = ANY(${ids}::bigint[])`;
        after = ids[ids.length - 1]!;
      }
      if (open) await insertGaps(tx, [open], job.org.id, event.id);
      if (removed !== job.archive.count) {
        throw new Error(`Retention for ${job.org.slug}: archived ${job.archive.count} events but ${removed} matched at removal; nothing removed.`);
      }
      return { eventId: event.id };
    },
    { timeout: 30 * 60 * 1000, maxWait: 60_000 },
  );
}

async function insertGaps(tx: Db, runs: GapRun[], orgId: string, purgeEventId: bigint) {
  if (runs.length === 0) return;
  await tx.auditChainGap.createMany({ data: runs.map((run) => ({ ...run, orgId, purgeEventId })) });
}
