import { describe, expect, it } from 'vitest';
import { systemActor } from '@/lib/auth/actor';
import { prisma } from '@/lib/db/client';
import { createMember, createOrg, createStaff } from '@/lib/testing/factories';
import { parseAuditFilters } from './filters';
import { listAuditEvents } from './list';
import { openAuditExport } from './export-service';
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
});
