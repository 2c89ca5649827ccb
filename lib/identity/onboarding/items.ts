import 'server-only';
import { recordAudit } from '@/lib/identity/audit/record';
import { systemActor, type Actor } from '@/lib/identity/auth/actor';
import type { Sql } from '@/lib/platform/db/sql';

/**
 * The onboarding checklist of a customer. Staff tick items by hand; the
 * system ticks what it observes: an owner signed in, a token minted (access
 * granted), instructions downloaded (delivered), the first successful pull.
 */
export const ONBOARDING_ITEMS = [
  { key: 'info_collected', label: 'Customer information collected', hint: 'Contact, Kubernetes and product versions, target namespace.', auto: null },
  { key: 'owner_signed_in', label: 'Owner signed in', hint: 'Ticks itself when someone with the owner role first signs in.', auto: 'an owner signs in' },
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
export async function markOnboardingItem(tx: Sql, orgId: string, key: OnboardingKey, doneBy: Actor | string): Promise<boolean> {
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

/**
 * A user has just signed in (or, signed in, joined as an owner): ticks
 * "owner signed in" for every organization they own (not deactivated), inside the
 * transaction that starts the session. One cheap statement when they own
 * nothing or every tick is done.
 */
export async function markOwnerSignedIn(tx: Sql, actor: Actor, userId: string): Promise<number> {
  const owned = await tx.$queryRaw<{ org_id: string }[]>`
    SELECT m.org_id FROM memberships m
    JOIN organizations o ON o.id = m.org_id
    LEFT JOIN onboarding_items i ON i.org_id = m.org_id AND i.key = 'owner_signed_in'
    WHERE m.user_id = ${userId} AND m.role = 'owner' AND o.status <> 'deactivated' AND i.done_at IS NULL
    ORDER BY m.org_id`;
  let ticked = 0;
  for (const { org_id } of owned) if (await markOnboardingItem(tx, org_id, 'owner_signed_in', actor)) ticked++;
  return ticked;
}
