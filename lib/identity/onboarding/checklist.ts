import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Db } from '@/lib/platform/db/client';
import { authorizeOrg } from '@/lib/identity/rbac/authorize';
import { ONBOARDING_ITEMS, ONBOARDING_KEYS } from './items';

// The checklist as staff see and edit it; the items and the automatic ticks are in ./items.

export const setOnboardingItemSchema = z.object({
  orgId: z.string().min(1),
  key: z.enum(ONBOARDING_KEYS, { error: `Unknown checklist item. Use one of: ${ONBOARDING_KEYS.join(', ')}.` }),
  done: z.preprocess((value) => value === true || value === 'true' || value === 'on', z.boolean()),
});

/** Staff tick or untick an item by hand (checklist.update). */
export async function setOnboardingItem(actor: Actor, input: z.input<typeof setOnboardingItemSchema>) {
  const data = setOnboardingItemSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const { org } = await authorizeOrg(tx, actor, { id: data.orgId }, { staff: 'checklist.update' });
    const before = await tx.onboardingItem.findUnique({ where: { orgId_key: { orgId: org.id, key: data.key } } });
    if (!!before?.doneAt === data.done) return before;
    const row = await tx.onboardingItem.upsert({
      where: { orgId_key: { orgId: org.id, key: data.key } },
      create: { orgId: org.id, key: data.key, doneAt: data.done ? new Date() : null, doneBy: data.done ? actor.label : null },
      update: { doneAt: data.done ? new Date() : null, doneBy: data.done ? actor.label : null },
    });
    await recordAudit(tx, actor, {
      action: data.done ? 'onboarding.tick' : 'onboarding.untick',
      target: { type: 'onboarding_item', id: `${org.id}:${data.key}` },
      orgId: org.id,
      before: { key: data.key, done: !!before?.doneAt, doneBy: before?.doneBy ?? null },
      after: { key: data.key, done: data.done },
    });
    return row;
  });
}

export type ChecklistEntry = (typeof ONBOARDING_ITEMS)[number] & { doneAt: Date | null; doneBy: string | null };

/** Every item, in order, with who ticked it and when. */
export async function getChecklist(actor: Actor, orgId: string): Promise<ChecklistEntry[]> {
  await authorizeOrg(prisma, actor, { id: orgId }, { staff: 'customers.view', org: 'org.view' });
  return checklistOf(prisma, orgId);
}

export async function checklistOf(db: Db, orgId: string): Promise<ChecklistEntry[]> {
  const rows = await db.onboardingItem.findMany({ where: { orgId } });
  const byKey = new Map(rows.map((row) => [row.key, row]));
  return ONBOARDING_ITEMS.map((item) => ({ ...item, doneAt: byKey.get(item.key)?.doneAt ?? null, doneBy: byKey.get(item.key)?.doneBy ?? null }));
}
