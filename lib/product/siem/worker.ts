import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { log } from '@/lib/platform/log';
import { metrics } from '@/lib/platform/observability/metrics';
import { enqueueSiemDeliveries, sendDueSiemDeliveries, type DeliveryOptions } from './delivery';
import { env } from '@/lib/platform/config/env';

/** One pass: queue new events, then send whatever is due (until nothing is). */
export async function runSiemDeliveryPass(options: DeliveryOptions = {}) {
  const queued = await enqueueSiemDeliveries(options);
  const total = { queued, delivered: 0, failed: 0, dead: 0 };
  for (let round = 0; round < 20; round++) {
    const sent = await sendDueSiemDeliveries(options);
    total.delivered += sent.delivered;
    total.failed += sent.failed;
    total.dead += sent.dead;
    if (sent.delivered + sent.failed + sent.dead === 0) break;
  }
  return total;
}

async function reportQueue() {
  const rows = await prisma.siemDelivery.groupBy({ by: ['status'], _count: true });
  metrics.siemQueue(Object.fromEntries(['pending', 'delivered', 'dead'].map((status) => [status, rows.find((row) => row.status === status)?._count ?? 0])));
}

/**
 * Runs in every replica: claims are SKIP LOCKED with a lease, so replicas
 * share the queue. Returns a stop function that waits for the pass in flight.
 */
export function startSiemWorker(intervalMs = env('SIEM_POLL_INTERVAL_MS')): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = (async () => {
      try {
        await runSiemDeliveryPass();
        await reportQueue();
      } catch (error) {
        log.error({ err: error }, 'SIEM delivery pass failed');
      }
    })().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(tick, intervalMs).unref();
    });
  };
  timer = setTimeout(tick, intervalMs).unref();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
