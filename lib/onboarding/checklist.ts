import { z } from 'zod';
import { recordAudit } from '@/lib/audit/record';
import { systemActor, type Actor } from '@/lib/auth/actor';
import { prisma, type Db } from '@/lib/db/client';
import { authorizeOrg } from '@/lib/rbac/authorize';

/**
 * The onboarding checklist of a customer. Staff tick items by hand; the
 * system ticks what it observes: a token minted (access granted),
 * instructions downloaded (delivered), the first successful pull.
 */
export const ONBOARDING_ITEMS = [
  { key: 'info_collected', label: 'Customer information collected', hint: 'Contact, Kubernetes and product versions, target namespace.', auto: null },
  { key: 'access_granted', label: 'Registry access granted', hint: 'Ticks itself when the first pull token is minted.', auto: 'a token is minted' },
  { key: 'instructions_delivered', label: 'Install instructions delivered', hint: 'Ticks itself when the instructions are downloaded or copied.', auto: 'instructions are downloaded' },
  { key: 'first_pull', label: 'First successful pull', hint: 'Ticks itself when the registry serves the customer\'s first image.', auto: 'the first pull succeeds' },
  { key: 'features_confirmed', label: 'Enterprise features confirmed', hint: 'The customer confirmed the enterprise features work.', auto: null },
] as const;

export type OnboardingKey = (typeof ONBOARDING_ITEMS)[number]['key'];
export const ONBOARDING_KEYS = ONBOARDING_ITEMS.map((item) => item.key) as [OnboardingKey, ...OnboardingKey[]];

export function isOnboardingKey(value: string): value is OnboardingKey {
  return (ONBOARDING_KEYS as readonly string[]).includes(value);
}

function actorOf(doneBy: Actor | string): Actor {
  if (typeof doneBy !== 'string') return doneBy;
  return systemActor(doneBy.replace(/^system:/, '') || 'onboarding');
}

/**
 * Ticks an item if it is not ticked yet, inside the caller's transaction,
 * and audits the tick. Cheap when already done (one statement, no audit), so
 * the registry gateway may call it on every successful pull. `doneBy` is the
 * acting user, or a system label such as "gateway".
 * Returns whether this call ticked it.
 */
export async function markOnboardingItem(tx: Db, orgId: string, key: OnboardingKey, doneBy: Actor | string): Promise<boolean> {
  const actor = actorOf(doneBy);
  const label = actor.kind === 'system' ? 'system' : actor.label;
  const ticked = await tx.$queryRaw<{ done_at: Date }[]>`
    INSERT INTO onboarding_items (org_id, key, done_at, done_by, updated_at)
    VALUES (${orgId}, ${key}, now(), ${label}, now())
    ON CONFLICT (org_id, key) DO UPDATE SET done_at = now(), done_by = excluded.done_by, updated_at = now()
      WHERE onboarding_items.done_at IS NULL
    RETURNING done_at`;
  if (ticked.length === 0) return false;
  await recordAudit(tx, actor, {
    action: 'onboarding.tick',
    target: { type: 'onboarding_item', id: `${orgId}:${key}` },
    orgId,
    after: { key, done: true, automatic: typeof doneBy === 'string' },
  });
  return true;
}

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
