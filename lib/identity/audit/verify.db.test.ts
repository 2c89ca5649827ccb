import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor, systemActor } from '@/lib/identity/auth/actor';
import { disconnectPrisma } from '@/lib/platform/db/client';
import { runCli } from '@/dev/testing/cli';
import { createStaff, uniqueSlug } from '@/dev/testing/factories';
import { createScratchDatabase, type ScratchDatabase } from '@/dev/testing/scratch-db';
import { auditHash } from './hash';
import { recordAudit } from './record';
import { runAuditRetention } from './retention';
import { contentOf, verifyAuditChain } from './verify';

// These tests own a whole database: they tamper with the chain, which would
// break every other test's view of the shared one.
let scratch: ScratchDatabase;
beforeAll(async () => {
  scratch = await createScratchDatabase();
});
afterAll(async () => {
  await scratch?.drop();
});

async function makeOrg(tier: string) {
  const slug = uniqueSlug(tier);
  return scratch.prisma.organization.create({ data: { name: slug, slug, contactEmail: `ops@${slug}.test`, tier } });
}

async function record(orgId: string | null, action: string) {
  const { id } = await recordAudit(scratch.prisma, systemActor('test'), { action, target: { type: 'test', id: action }, orgId, after: { n: action } });
  return scratch.prisma.auditEvent.findUniqueOrThrow({ where: { id } });
}

/** Writes as an attacker with database access would: triggers off for this transaction. */
async function tamper(sql: string) {
  await scratch.prisma.$transaction([scratch.prisma.$executeRawUnsafe('SET LOCAL session_replication_role = replica'), scratch.prisma.$executeRawUnsafe(sql)]);
}

describe('audit verify', () => {
  it('passes on an intact chain and names the first edited event', async () => {
    const org = await makeOrg('team');
    const events = [];
    for (let i = 0; i < 12; i++) events.push(await record(i % 3 ? org.id : null, `test.e${i}`));
    const intact = await verifyAuditChain({ db: scratch.prisma, batchSize: 5 });
    expect(intact).toMatchObject({ ok: true, break: null });
    expect(intact.checked).toBeGreaterThanOrEqual(12);

    const victim = events[6]!;
    await tamper(`UPDATE audit_events SET actor_label = 'someone-else' WHERE id = ${victim.id}`);
    const edited = await verifyAuditChain({ db: scratch.prisma, batchSize: 5 });
    expect(edited.ok).toBe(false);
    expect(edited.break).toMatchObject({ kind: 'content', id: victim.id });

    // An attacker who also recomputes that row's hash is caught at the next row.
    const forged = auditHash(victim.prevHash, { ...contentOf(victim), actorLabel: 'someone-else' });
    await tamper(`UPDATE audit_events SET hash = '${forged}' WHERE id = ${victim.id}`);
    expect((await verifyAuditChain({ db: scratch.prisma })).break).toMatchObject({ kind: 'link', id: events[7]!.id });
    await tamper(`UPDATE audit_events SET actor_label = 'system:test', hash = '${victim.hash}' WHERE id = ${victim.id}`);
    expect((await verifyAuditChain({ db: scratch.prisma })).ok).toBe(true);
  });

  it('reports a row removed outside the retention job at the row after it, from the CLI too', async () => {
    const org = await makeOrg('team');
    const events = [];
    for (let i = 0; i < 5; i++) events.push(await record(org.id, `test.d${i}`));
    await disconnectPrisma();
    const ok = await runCli(['audit', 'verify'], { DATABASE_URL: scratch.url });
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout).toMatch(/^OK: \d+ events \(ids \d+–\d+\) chain correctly/);

    // The purge switch is the controlled path's, but deleting without recording the gap is not.
    await scratch.prisma.$transaction([
      scratch.prisma.$executeRawUnsafe("SET LOCAL portcullis.audit_purge = 'on'"),
      scratch.prisma.$executeRawUnsafe(`DELETE FROM audit_events WHERE id = ${events[2]!.id}`),
    ]);
    const broken = await runCli(['audit', 'verify'], { DATABASE_URL: scratch.url });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(
      `portcullis: chain broken at event ${events[3]!.id}: Event ${events[3]!.id} (test.d3) does not follow the event before it: an event before it was removed, inserted or reordered outside the retention job.\n`,
    );
    const json = await runCli(['audit', 'verify', '--json'], { DATABASE_URL: scratch.url });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, break: { kind: 'link', id: String(events[3]!.id) } });

    // Put it back exactly as it was: the chain holds again.
    const row = events[2]!;
    await tamper(
      `INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id, org_id, ip, user_agent, request_id, before, after, metadata, prev_hash, hash)
       SELECT ${row.id}, '${row.occurredAt.toISOString()}', '${row.actorType}', NULL, '${row.actorLabel}', '${row.action}', '${row.targetType}', '${row.targetId}', '${row.orgId}', NULL, NULL, NULL, NULL, '${JSON.stringify(row.after)}'::jsonb, NULL, '${row.prevHash}', '${row.hash}'`,
    );
    expect((await verifyAuditChain({ db: scratch.prisma })).ok).toBe(true);
  });
});

describe('audit retention', () => {
  it('archives expired events of each org by its tier, removes them through the audited path, and the chain still verifies', async () => {
    const short = await makeOrg('community'); // 30 days
    const long = await makeOrg('enterprise'); // 365 days
    const custom = await makeOrg('enterprise');
    await scratch.prisma.organization.update({ where: { id: custom.id }, data: { auditRetentionDays: 10 } });
    const shortIds: bigint[] = [];
    for (let i = 0; i < 9; i++) {
      const event = await record([short.id, long.id, custom.id][i % 3]!, `test.r${i}`);
      if (i % 3 !== 1) shortIds.push(event.id);
    }
    await record(null, 'test.platform');
    const archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-archive-'));
    const now = new Date(Date.now() + 60 * 24 * 3600 * 1000);

    const support = await createStaff('staff-support');
    await expect(runAuditRetention(support.actor, { db: scratch.prisma, archiveDir, now })).rejects.toThrow(/staff role does not allow/);

    const dry = await runAuditRetention(cliActor('ops'), { db: scratch.prisma, archiveDir, now, dryRun: true });
    expect(dry.results.find((r) => r.org === short.slug)).toMatchObject({ days: 30, removed: 3 });
    expect(dry.results.find((r) => r.org === long.slug)).toMatchObject({ days: 365, removed: 0 });
    expect(dry.results.find((r) => r.org === custom.slug)).toMatchObject({ days: 10, removed: 3 });

    const run = await runAuditRetention(cliActor('ops'), { db: scratch.prisma, archiveDir, now });
    expect(run.ran).toBe(true);
    const shortResult = run.results.find((r) => r.org === short.slug)!;
    expect(shortResult.removed).toBe(3);
    expect(await scratch.prisma.auditEvent.count({ where: { orgId: short.id, action: { startsWith: 'test.' } } })).toBe(0);
    expect(await scratch.prisma.auditEvent.count({ where: { orgId: long.id } })).toBe(3);

    // The archive holds exactly the removed events, intact.
    const lines = gunzipSync(fs.readFileSync(shortResult.archive!)).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; hash: string });
    expect(lines.map((line) => BigInt(line.id))).toEqual(shortIds.filter((_, i) => i % 2 === 0));
    expect(fs.statSync(shortResult.archive!).mode & 0o777).toBe(0o600);

    // Audited, with the archive's checksum.
    const purge = await scratch.prisma.auditEvent.findUniqueOrThrow({ where: { id: shortResult.eventId! } });
    expect(purge).toMatchObject({ action: 'audit.retention.purge', actorLabel: 'cli:ops', orgId: short.id });
    expect(purge.metadata).toMatchObject({ removed: 3, retentionDays: 30, archiveSha256: shortResult.sha256 });

    const verified = await verifyAuditChain({ db: scratch.prisma, batchSize: 4 });
    expect(verified).toMatchObject({ ok: true });
    expect(verified.gaps).toBeGreaterThanOrEqual(3);

    // A second run (at that future date) finds only the first run's own record expired; the chain still holds.
    const again = await runAuditRetention(cliActor('ops'), { db: scratch.prisma, archiveDir, now, org: short.slug });
    expect(again.results[0]).toMatchObject({ removed: 1 });
    expect(await scratch.prisma.auditEvent.count({ where: { id: shortResult.eventId! } })).toBe(0);
    expect((await verifyAuditChain({ db: scratch.prisma })).ok).toBe(true);
    // The gap records cannot be rewritten.
    await expect(scratch.prisma.$executeRawUnsafe('UPDATE audit_chain_gaps SET last_hash = first_prev_hash')).rejects.toThrow(/append-only/);
    await expect(scratch.prisma.$executeRawUnsafe('DELETE FROM audit_chain_gaps')).rejects.toThrow(/append-only/);

    // A removal next to a recorded gap but outside the job is still caught.
    const survivor = await scratch.prisma.auditEvent.findFirstOrThrow({ where: { orgId: long.id }, orderBy: { id: 'asc' } });
    await scratch.prisma.$transaction([
      scratch.prisma.$executeRawUnsafe("SET LOCAL portcullis.audit_purge = 'on'"),
      scratch.prisma.$executeRawUnsafe(`DELETE FROM audit_events WHERE id = ${survivor.id}`),
    ]);
    expect((await verifyAuditChain({ db: scratch.prisma })).ok).toBe(false);
  });

  it('refuses an unknown org and writes nothing', async () => {
    await expect(runAuditRetention(cliActor('ops'), { db: scratch.prisma, org: 'no-such-org' })).rejects.toThrow(/No customer with the slug no-such-org/);
  });
});
