import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Prisma } from '@/lib/platform/db/client';
import { AUDIT_ACTION_LABELS, AUDIT_TARGET_LABELS, auditActionLabel } from './labels';
import { CUSTOMER_AUDIT_FIELDS, CUSTOMER_ORGANIZATION_FIELDS, customerAuditEvent, customerOrganization, staffOnlyOrganizationFields } from './customer-view';

const root = path.resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'generated' && entry.name !== 'node_modules') sourceFiles(full, out);
    } else if (/\.tsx?$/.test(entry.name) && !/\.(test|bench)\.tsx?$/.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

/** Every action name written by a module that records audit events: `action: 'a.b'`, or either side of a ternary. */
function recordedActions(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of ['lib', 'app', 'scripts'].flatMap((dir) => sourceFiles(path.join(root, dir)))) {
    const source = fs.readFileSync(file, 'utf8');
    if (!source.includes('recordAudit(')) continue;
    for (const match of source.matchAll(/\baction:\s*([^,}\n]+)/g)) {
      for (const literal of match[1]!.matchAll(/'([a-z_]+(?:\.[a-z_]+)+)'/g)) found.set(literal[1]!, path.relative(root, file));
    }
  }
  return found;
}

const event = (action: string, parts: { before?: unknown; after?: unknown; metadata?: unknown }) =>
  ({ id: '1', action, before: parts.before ?? null, after: parts.after ?? null, metadata: parts.metadata ?? null, hash: 'h' }) as const;

describe('what customers see of audit events', () => {
  it('classifies every action the source records', () => {
    const actions = recordedActions();
    expect(actions.size, 'the scan found the recorded actions').toBeGreaterThan(40);
    const unclassified = [...actions].filter(([action]) => !Object.hasOwn(CUSTOMER_AUDIT_FIELDS, action)).map(([action, file]) => `${action} (${file})`);
    expect(unclassified, 'Add these to CUSTOMER_AUDIT_FIELDS in lib/identity/audit/customer-view.ts: what of them may customers see?').toEqual([]);
  });

  it('gives every action the source records (and every classified one) a readable label', () => {
    const actions = new Set([...recordedActions().keys(), ...Object.keys(CUSTOMER_AUDIT_FIELDS)]);
    const unlabeled = [...actions].filter((action) => !Object.hasOwn(AUDIT_ACTION_LABELS, action));
    expect(unlabeled, 'Add these to AUDIT_ACTION_LABELS in lib/identity/audit/labels.ts').toEqual([]);
    expect(auditActionLabel('onboarding.tick')).toBe('Checklist item ticked');
    expect(auditActionLabel('token.create')).toBe('Registry token created');
    expect(auditActionLabel('something.brand_new')).toBe('Something brand new');
  });

  it('gives every target type the source records a readable label', () => {
    const types = new Set<string>();
    for (const file of ['lib', 'app'].flatMap((dir) => sourceFiles(path.join(root, dir)))) for (const match of fs.readFileSync(file, 'utf8').matchAll(/type: '([a-z_]+)', id/g)) types.add(match[1]!);
    types.delete('test');
    expect(types.size, 'the scan found the recorded target types').toBeGreaterThan(20);
    expect([...types].filter((type) => !Object.hasOwn(AUDIT_TARGET_LABELS, type)), 'Add these to AUDIT_TARGET_LABELS in lib/identity/audit/labels.ts').toEqual([]);
  });

  it('drops staff notes and the manual tier from organization records, however broad the stored record', () => {
    const row = { id: 'o1', name: 'Globex', slug: 'globex', notes: 'renewal at risk', manualTier: 'enterprise', tier: 'enterprise', status: 'active' };
    const seen = customerAuditEvent(event('customer.create', { after: row }));
    expect(seen.after).toEqual({ id: 'o1', name: 'Globex', slug: 'globex', tier: 'enterprise', status: 'active' });
    const update = customerAuditEvent(event('customer.update', { before: { notes: null, name: 'Old' }, after: { notes: 'renewal at risk', name: 'New' } }));
    expect(update.before).toEqual({ name: 'Old' });
    expect(update.after).toEqual({ name: 'New' });
    expect(JSON.stringify(customerAuditEvent(event('customer.update', { after: { notes: 'x' } })))).not.toContain('notes');
  });

  it('withholds the manual tier and every reason staff gave for it', () => {
    const set = customerAuditEvent(event('billing.manual_tier_set', { before: { manualTier: null }, after: { manualTier: 'team' }, metadata: { reason: 'contract #123' } }));
    expect([set.before, set.after, set.metadata]).toEqual([null, null, null]);
    const change = customerAuditEvent(event('billing.tier_change', { before: { tier: 'community' }, after: { tier: 'team' }, metadata: { reason: 'manual: contract #123' } }));
    expect(change).toMatchObject({ before: { tier: 'community' }, after: { tier: 'team' }, metadata: {} });
    const kept = customerAuditEvent(event('billing.subscription_update', { after: { tier: 'team' }, metadata: { changed: ['status'], manualTierKept: 'enterprise' } }));
    expect(kept.metadata).toEqual({ changed: ['status'] });
    const override = customerAuditEvent(event('feature_override.set', { after: { featureKey: 'sso', enabled: true, reason: 'sales wants it', createdBy: 'ada@vendor' } }));
    expect(override.after).toEqual({ featureKey: 'sso', enabled: true });
  });

  it('shows customers their own records whole and withholds unknown actions', () => {
    const role = { id: 'r1', name: 'QA', permissions: ['org.view'] };
    expect(customerAuditEvent(event('role.create', { after: role })).after).toEqual(role);
    const unknown = customerAuditEvent(event('something.new', { before: { a: 1 }, after: { b: 2 }, metadata: { c: 3 } }));
    expect(unknown).toMatchObject({ action: 'something.new', before: null, after: null, metadata: null, hash: 'h' });
  });

  it('lists customer-visible organization fields that exist, and finds the staff-only ones from the schema', () => {
    const fields = Object.values(Prisma.OrganizationScalarFieldEnum) as string[];
    for (const field of CUSTOMER_ORGANIZATION_FIELDS) expect(fields).toContain(field);
    expect(staffOnlyOrganizationFields(fields)).toEqual(expect.arrayContaining(['notes', 'manualTier']));
    const org = Object.fromEntries(fields.map((field) => [field, `${field}-value`])) as never;
    expect(Object.keys(customerOrganization(org)).sort()).toEqual([...CUSTOMER_ORGANIZATION_FIELDS].sort());
  });
});
