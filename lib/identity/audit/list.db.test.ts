import { describe, expect, it } from 'vitest';
import { systemActor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { createMember, createOrg, createStaff } from '@/dev/testing/factories';
import { parseAuditFilters } from './filters';
import { listAuditEvents } from './list';
import { openAuditExport } from './export-service';
import { auditHash } from './hash';
import { recordAudit } from './record';

const page = { sort: 'occurredAt' as const, dir: 'desc' as const, skip: 0, take: 50 };

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
