import 'server-only';
import { systemActor } from '@/lib/identity/auth/actor';
import { runAuditRetention } from '@/lib/identity/audit/retention';
import { scheduleGraceSweep } from '@/lib/product/billing/grace';
import { log } from '@/lib/platform/log';
import { startSiemWorker } from '@/lib/product/siem/worker';
import { env } from '@/lib/platform/config/env';

/**
 * In-process jobs of every replica: SIEM delivery (shared through SKIP
 * LOCKED claims), the daily audit retention run (one replica at a time:
 * the run takes an advisory lock and the others skip), and the billing sweep
 * that ends lapsed past_due grace periods (no webhook marks that moment).
 * SIEM_WORKER=false, AUDIT_RETENTION_INTERVAL_HOURS=0 and BILLING_GRACE_SWEEP=false turn them off
 * on a replica (retention can then run from a CronJob: `portcullis audit retention run`); SIEM
 * delivery has no CLI of its own, so at least one replica keeps its worker on.
 */
export function startBackgroundJobs(): { stop(): Promise<void> } {
  const stops: (() => Promise<void>)[] = [];
  if (env('SIEM_WORKER')) stops.push(startSiemWorker());

  const hours = env('AUDIT_RETENTION_INTERVAL_HOURS');
  if (hours > 0) {
    let running: Promise<unknown> | null = null;
    const run = () => {
      running = runAuditRetention(systemActor('audit-retention'))
        .then((result) => {
          const removed = result.results.reduce((sum, row) => sum + row.removed, 0);
          if (removed) log.info({ removed, orgs: result.results.filter((row) => row.removed).map((row) => row.org) }, 'audit retention removed expired events');
        })
        .catch((error: unknown) => log.error({ err: error }, 'audit retention run failed'))
        .finally(() => (running = null));
    };
    // First run a few minutes after start (not during a rolling deploy's rush), then on the interval.
    const first = setTimeout(run, 5 * 60_000).unref();
    const every = setInterval(run, hours * 3600_000).unref();
    stops.push(async () => {
      clearTimeout(first);
      clearInterval(every);
      await running;
    });
  }
  // Safe on every replica: each org's change takes its row lock. BILLING_GRACE_SWEEP=false leaves it to `portcullis billing sync`.
  if (env('BILLING_GRACE_SWEEP')) {
    const stopGrace = scheduleGraceSweep((error) => log.error({ err: error }, 'billing grace sweep failed'));
    stops.push(async () => stopGrace());
  }
  return { stop: async () => void (await Promise.all(stops.map((stop) => stop()))) };
}
