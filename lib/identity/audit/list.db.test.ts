import { describe, expect, it } from 'vitest';
import { systemActor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { parseAuditFilters } from './filters';
import { appendSyntheticEvents } from '@/dev/testing/audit-fixtures';
import { encodeCursor } from '@/lib/platform/table/keyset';
import { auditKeysetPage, listAuditEvents, type AuditPageQuery } from './list';
import { openAuditExport } from './export-service';
import { auditHash } from './hash';
import { recordAudit } from './record';

const page = { sort: 'occurredAt' as const, dir: 'desc' as const, take: 50 };

describe('the audit log viewer service', () => {
  it('shows customers only their own org, on tiers that include it; staff see everything', async () => {
    const org = await createOrg({ tier: 'team' });
    const other = await createOrg({ tier: 'team' });
    await recordAudit(prisma, systemActor('test'), { action: 'test.mine', target: { type: 'test' }, orgId: org.id });
    await recordAudit(prisma, systemActor('test'), { action: 'test.theirs', target: { type: 'test' }, orgId: other.id });
    const admin = await createMember(org.id, 'admin');

    const mine = await listAuditEvents(admin.actor, { kind: 'org', slug: org.slug }, {}, page);
    expect(mine.rows.map((row) => row.action)).toEqual(['test.mine']);
    expect(mine.rows[0]!.org).toMatchObject({ slug: org.slug });
    await expect(listAuditEvents(admin.actor, { kind: 'org', slug: other.slug }, {}, page)).rejects.toThrow('Organization not found');
    await expect(listAuditEvents(admin.actor, { kind: 'all' }, {}, page)).rejects.toThrow(/vendor staff only/);
    const viewer = await createMember(org.id, 'viewer');
    await expect(listAuditEvents(viewer.actor, { kind: 'org', slug: org.slug }, {}, page)).rejects.toThrow(/does not allow/);

    const community = await createOrg({ tier: 'community' });
    const owner = await createMember(community.id, 'owner');
    await expect(listAuditEvents(owner.actor, { kind: 'org', slug: community.slug }, {}, page)).rejects.toThrow(/Audit logging/);

    const staff = await createStaff('staff-support');
    const all = await listAuditEvents(staff.actor, { kind: 'all' }, parseAuditFilters({ target: 'test', actor: 'system:test' }), page);
    expect(all.rows.map((row) => row.action)).toEqual(expect.arrayContaining(['test.mine', 'test.theirs']));
    expect((await listAuditEvents(staff.actor, { kind: 'org', slug: community.slug }, {}, page)).rows).toEqual([]);
  });

  it('exports only with the export permission, and records who exported what', async () => {
    const org = await createOrg({ tier: 'team' });
    await recordAudit(prisma, systemActor('test'), { action: 'test.exported', target: { type: 'test' }, orgId: org.id });
    await expect(openAuditExport((await createStaff('staff-support')).actor, { kind: 'all' }, {}, 'csv')).rejects.toThrow(/audit.export/);
    const admin = await createMember(org.id, 'owner');
    const { chunks, filename } = await openAuditExport(admin.actor, { kind: 'org', slug: org.slug }, parseAuditFilters({ action: 'test.*' }), 'json');
    expect(filename).toMatch(new RegExp(`^audit-${org.slug}-\\d{4}-\\d{2}-\\d{2}T\\d{6}\\.json$`));
    let text = '';
    for await (const chunk of chunks) text += chunk;
    expect((JSON.parse(text) as { action: string }[]).map((event) => event.action)).toEqual(['test.exported']);
    const recorded = await prisma.auditEvent.findFirstOrThrow({ where: { orgId: org.id, action: 'audit.export' } });
    expect(recorded).toMatchObject({ actorId: admin.user.id, metadata: { format: 'json', filters: { action: 'test.*' } } });
  });

  it('shows customers, in the list and every export format, only the fields they may see, also of events recorded before; staff see all', async () => {
    const org = await createOrg({ tier: 'enterprise' });
    const note = `staff note ${org.slug}: renewal at risk`;
    const full = await prisma.organization.update({ where: { id: org.id }, data: { notes: note, manualTier: 'enterprise' } });
    // How customer.create and customer.update used to be recorded: the whole organization row, notes and manual tier included.
    const staff = await createStaff('staff-admin');
    await recordAudit(prisma, staff.actor, { action: 'customer.create', target: { type: 'organization', id: org.id }, orgId: org.id, after: full });
    await recordAudit(prisma, staff.actor, { action: 'customer.update', target: { type: 'organization', id: org.id }, orgId: org.id, before: { notes: null }, after: { notes: note, name: org.name } });
    const owner = await createMember(org.id, 'owner');
    const filters = parseAuditFilters({ action: 'customer.*' });

    const seen = await listAuditEvents(owner.actor, { kind: 'org', slug: org.slug }, filters, page);
    expect(seen.rows.map((row) => row.action)).toEqual(['customer.update', 'customer.create']);
    expect(seen.rows[0]).toMatchObject({ before: {}, after: { name: org.name } });
    expect(seen.rows[1]!.after).toMatchObject({ id: org.id, name: org.name, tier: 'enterprise' });
    const shown = JSON.stringify(seen.rows.map((row) => [row.before, row.after, row.metadata]));
    expect(shown).not.toContain(note);
    expect(shown).not.toContain('manualTier');
    for (const format of ['csv', 'json', 'jsonl'] as const) {
      let text = '';
      for await (const chunk of (await openAuditExport(owner.actor, { kind: 'org', slug: org.slug }, filters, format)).chunks) text += chunk;
      expect(text, format).toContain('customer.create');
      expect(text, format).not.toContain(note);
      expect(text, format).not.toContain('manualTier');
    }

    const staffView = await listAuditEvents(staff.actor, { kind: 'org', slug: org.slug }, filters, page);
    expect(staffView.rows[0]!.after).toEqual({ notes: note, name: org.name });
    expect(staffView.rows[1]!.after).toMatchObject({ notes: note, manualTier: 'enterprise' });
    let staffExport = '';
    for await (const chunk of (await openAuditExport(staff.actor, { kind: 'org', slug: org.slug }, filters, 'jsonl')).chunks) staffExport += chunk;
    expect(staffExport).toContain(note);

    // Filtering happens on the way out: the stored rows are as recorded and their hashes still match them.
    for (const row of await prisma.auditEvent.findMany({ where: { orgId: org.id, action: { startsWith: 'customer.' } } })) {
      expect(JSON.stringify(row.after)).toContain(note);
      const { id: _id, prevHash, hash, ...content } = row;
      expect(auditHash(prevHash, content as never)).toBe(hash);
    }
  });
});

/** Synthetic events of one org, all at the same instant (appendSyntheticEvents cycles 5 actions and 50 actor labels). */
async function eventsAt(orgId: string, count: number, at = new Date('2026-03-01T12:00:00.000Z')) {
  await prisma.$transaction((tx) => appendSyntheticEvents(tx, count, { orgIds: [orgId], start: at, stepMs: 0 }));
  return prisma.auditEvent.findMany({ where: { orgId }, select: { id: true, action: true, actorLabel: true } });
}

type Lister = (query: AuditPageQuery) => Promise<{ rows: { id: bigint }[]; page: { next: string | null; prev: string | null } }>;

/** Follows Next from the first page to the last, then Previous back; returns each page's ids. */
async function walk(list: Lister, query: Omit<AuditPageQuery, 'after' | 'before'>) {
  const forward: bigint[][] = [];
  let result = await list(query);
  forward.push(result.rows.map((row) => row.id));
  const seen: (string | null)[] = [result.page.prev];
  while (result.page.next) {
    result = await list({ ...query, after: result.page.next });
    forward.push(result.rows.map((row) => row.id));
    seen.push(result.page.prev);
    if (forward.length > 100) throw new Error('paging does not end');
  }
  const backward: bigint[][] = [];
  while (result.page.prev) {
    result = await list({ ...query, before: result.page.prev });
    backward.unshift(result.rows.map((row) => row.id));
    if (backward.length > 100) throw new Error('paging back does not end');
  }
  return { forward, backward, firstPrev: seen[0] };
}

describe('keyset paging of the audit viewer', () => {
  it('pages through equal timestamps and equal sort values in a stable order, forward and back, for every sort', async () => {
    const org = await createOrg({ tier: 'team' });
    const events = await eventsAt(org.id, 23);
    const owner = await createMember(org.id, 'owner');
    for (const sort of ['occurredAt', 'action', 'actorLabel'] as const) {
      const dir = sort === 'occurredAt' ? 'desc' : 'asc';
      const { forward, backward, firstPrev } = await walk((q) => listAuditEvents(owner.actor, { kind: 'org', slug: org.slug }, {}, q), { sort, dir, take: 4 });
      expect(firstPrev).toBeNull();
      expect(forward.map((ids) => ids.length)).toEqual([4, 4, 4, 4, 4, 3]);
      // Every event exactly once, in the sort's order with ids breaking ties; Previous shows the same pages.
      // (Text order is the database's collation: ask it rather than assume one.)
      const column = sort === 'occurredAt' ? null : sort;
      const expected = await prisma.auditEvent.findMany({ where: { orgId: org.id }, orderBy: column ? [{ [column]: dir }, { id: dir }] : [{ id: dir }], select: { id: true } });
      expect(events).toHaveLength(23);
      expect(forward.flat()).toEqual(expected.map((event) => event.id));
      expect(backward).toEqual(forward.slice(0, -1));
    }
  });

  it('keeps filters on every page', async () => {
    const org = await createOrg({ tier: 'team' });
    const events = await eventsAt(org.id, 30);
    const owner = await createMember(org.id, 'owner');
    const filters = parseAuditFilters({ action: 'token.*' });
    const { forward } = await walk((q) => listAuditEvents(owner.actor, { kind: 'org', slug: org.slug }, filters, q), { sort: 'occurredAt', dir: 'desc', take: 5 });
    const tokens = events.filter((event) => event.action.startsWith('token.')).map((event) => event.id).sort((a, b) => Number(b - a));
    expect(forward.flat()).toEqual(tokens);
    expect(forward.length).toBe(Math.ceil(tokens.length / 5));
  });

  it('never shows a customer another org\'s events, whatever cursor the URL carries', async () => {
    const mine = await createOrg({ tier: 'team' });
    const theirs = await createOrg({ tier: 'team' });
    const myEvents = await eventsAt(mine.id, 6);
    const theirEvents = await eventsAt(theirs.id, 6);
    const owner = await createMember(mine.id, 'owner');
    const staff = await createStaff('staff-support');
    const list = (q: Partial<AuditPageQuery>) => listAuditEvents(owner.actor, { kind: 'org', slug: mine.slug }, {}, { sort: 'occurredAt', dir: 'desc', take: 50, ...q });
    // A cursor taken from a staff page of everything, one forged at the other org's newest event, and ones past either end.
    const staffPage = await listAuditEvents(staff.actor, { kind: 'all' }, {}, { sort: 'occurredAt', dir: 'desc', take: 2 });
    const top = theirEvents.reduce((max, event) => (event.id > max ? event.id : max), 0n);
    const forged = [
      staffPage.page.next!,
      encodeCursor({ sort: 'occurredAt', dir: 'desc', value: null, id: top + 1n }),
      encodeCursor({ sort: 'occurredAt', dir: 'desc', value: null, id: 9_000_000_000_000_000_000n }),
      encodeCursor({ sort: 'occurredAt', dir: 'desc', value: null, id: 0n }),
    ];
    const theirIds = new Set(theirEvents.map((event) => event.id));
    for (const cursor of forged) {
      for (const result of [await list({ after: cursor }), await list({ before: cursor })]) {
        expect(result.rows.every((row) => row.orgId === mine.id && !theirIds.has(row.id))).toBe(true);
      }
    }
    expect((await list({ after: forged[1] })).rows.map((row) => row.id).sort()).toEqual(myEvents.map((event) => event.id).sort());
    // Sorted by action, a cursor carrying a value: still only this org's events.
    const byAction = encodeCursor({ sort: 'action', dir: 'asc', value: '', id: 0n });
    const sorted = await listAuditEvents(owner.actor, { kind: 'org', slug: mine.slug }, {}, { sort: 'action', dir: 'asc', take: 50, after: byAction });
    expect(sorted.rows.map((row) => row.id).sort()).toEqual(myEvents.map((event) => event.id).sort());
  });

  it('shows the first page for a cursor that does not parse or was made for another sort', async () => {
    const org = await createOrg({ tier: 'team' });
    await eventsAt(org.id, 8);
    const owner = await createMember(org.id, 'owner');
    const query = { sort: 'occurredAt', dir: 'desc', take: 3 } as const;
    const list = (q: Partial<AuditPageQuery>) => listAuditEvents(owner.actor, { kind: 'org', slug: org.slug }, {}, { ...query, ...q });
    const first = await list({});
    expect(first.cursorIgnored).toBe(false);
    const bad = [
      'not-a-cursor',
      Buffer.from('{"s":"occurredAt"').toString('base64url'),
      Buffer.from(JSON.stringify({ s: 'occurredAt', d: 'desc', v: null, i: '12; DROP TABLE audit_events' })).toString('base64url'),
      encodeCursor({ sort: 'action', dir: 'asc', value: 'token.create', id: 1n }),
      encodeCursor({ sort: 'occurredAt', dir: 'asc', value: null, id: 1n }),
    ];
    for (const cursor of bad) {
      for (const result of [await list({ after: cursor }), await list({ before: cursor })]) {
        expect(result.cursorIgnored).toBe(true);
        expect(result.rows.map((row) => row.id)).toEqual(first.rows.map((row) => row.id));
        expect(result.page.prev).toBeNull();
      }
    }
  });

  it('bounds a search no index answers to a stretch of the log per page, and Next covers the rest', async () => {
    const org = await createOrg({ tier: 'team' });
    const events = await eventsAt(org.id, 40);
    const where = { orgId: org.id, actorLabel: { contains: 'user1', mode: 'insensitive' as const } };
    const matching = events.filter((event) => event.actorLabel.includes('user1')).map((event) => event.id).sort((a, b) => Number(b - a));
    const pages: bigint[][] = [];
    let partial = false;
    let result = await auditKeysetPage(prisma, where, { sort: 'occurredAt', dir: 'desc', take: 3 }, { windowed: true, window: 7 });
    for (;;) {
      pages.push(result.rows.map((row) => row.id));
      partial ||= !!result.page.partial;
      if (!result.page.next) break;
      result = await auditKeysetPage(prisma, where, { sort: 'occurredAt', dir: 'desc', take: 3, after: result.page.next }, { windowed: true, window: 7 });
      if (pages.length > 100_000) throw new Error('paging does not end');
    }
    expect(partial).toBe(true);
    expect(pages.flat()).toEqual(matching);
  });
});
