import 'server-only';
import { systemActor, type Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { lockOrg } from '@/lib/platform/db/lock-org';
import { pastDueGraceDays } from './config';
import { recomputeTier } from './subscription-state';

/**
 * No webhook arrives when a past_due grace period ends, so this sweep moves
 * those organizations down. The server runs it periodically; `portcullis
 * billing sync` runs it too. Returns the orgs whose tier changed.
 */
export async function enforcePastDueGrace(options: { now?: Date; actor?: Actor; graceDays?: number } = {}) {
  const now = options.now ?? new Date();
  const actor = options.actor ?? systemActor('billing-grace');
  const graceDays = options.graceDays ?? pastDueGraceDays();
  const orgIds = await prisma.subscription.findMany({ where: { status: 'past_due' }, select: { orgId: true }, distinct: ['orgId'] });
  const changes: { orgId: string; from: string; to: string }[] = [];
  for (const { orgId } of orgIds) {
    const result = await prisma.$transaction(async (tx) => {
      await lockOrg(tx, orgId);
      return recomputeTier(tx, orgId, { actor, now, graceDays, reason: 'past_due grace period ended' });
    });
    if (result.changed) changes.push({ orgId, from: result.from, to: result.to });
  }
  return changes;
}

const GRACE_SWEEP_MS = 10 * 60 * 1000;

/** Runs the sweep every 10 minutes in the server process (unref'd: never keeps it alive). */
export function scheduleGraceSweep(onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => {
    enforcePastDueGrace().catch(onError);
  }, GRACE_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
