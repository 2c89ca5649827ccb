import 'server-only';
import { prisma, type AuditEvent } from '@/lib/platform/db/client';
import { open } from '@/lib/platform/crypto/secret-box';
import { exportRecord } from '@/lib/identity/audit/export';
import { log } from '@/lib/platform/log';
import { metrics } from '@/lib/platform/observability/metrics';
import { OutboundError, outboundRequest } from '@/lib/platform/net/outbound';
import { backoffMs, EVENT_ID_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signPayload } from './signature';
import { portalFeatureActive } from '@/lib/plans/portal-gate';

export const MAX_ATTEMPTS = 10;
const ENQUEUE_BATCH = 1_000;
const CLAIM_BATCH = 50;
const LEASE_SECONDS = 120;

export interface DeliveryOptions {
  /** Only these destinations (tests; the worker handles all). */
  destinationIds?: string[];
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
}

export function secretContext(destinationId: string): string {
  return `siem_destinations.secret_enc:${destinationId}`;
}

/**
 * Moves each enabled destination's cursor forward, queueing one delivery per
 * new audit event of its org. Audit writers hold the chain lock until they
 * commit, so ids become visible in order and the cursor never skips one.
 * A destination row is locked while its cursor moves, so replicas do not
 * queue the same events twice (the unique key would stop them anyway).
 */
export async function enqueueSiemDeliveries(options: Pick<DeliveryOptions, 'destinationIds'> = {}): Promise<number> {
  const destinations = await prisma.siemDestination.findMany({
    where: { enabled: true, ...(options.destinationIds ? { id: { in: options.destinationIds } } : {}) },
    select: { id: true, orgId: true },
  });
  // Paused below the tier that includes streaming: the cursor stays, so delivery resumes where it stopped.
  const streaming = new Map<string, boolean>();
  for (const { orgId } of destinations) if (!streaming.has(orgId)) streaming.set(orgId, await portalFeatureActive(prisma, orgId, 'audit_streaming'));
  let queued = 0;
  for (const { id } of destinations.filter((destination) => streaming.get(destination.orgId))) {
    queued += await prisma.$transaction(async (tx) => {
      const [destination] = await tx.$queryRaw<{ org_id: string; cursor: bigint }[]>`
        SELECT org_id, cursor FROM siem_destinations WHERE id = ${id} AND enabled FOR UPDATE SKIP LOCKED`;
      if (!destination) return 0;
      const picked = await tx.$queryRaw<{ max: bigint | null; count: bigint }[]>`
        WITH picked AS (
          SELECT id FROM audit_events WHERE org_id = ${destination.org_id} AND id > ${destination.cursor} ORDER BY id LIMIT ${ENQUEUE_BATCH}
        ), inserted AS (
          INSERT INTO siem_deliveries (id, destination_id, audit_event_id, status, attempts, next_attempt_at, created_at)
          SELECT gen_random_uuid()::text, ${id}, picked.id, 'pending', 0, now(), now() FROM picked
          ON CONFLICT (destination_id, audit_event_id) DO NOTHING
        )
        SELECT max(id) AS max, count(*) AS count FROM picked`;
      const { max, count } = picked[0]!;
      if (max === null) return 0;
      await tx.siemDestination.update({ where: { id }, data: { cursor: max } });
      return Number(count);
    });
  }
  return queued;
}

interface Claimed {
  id: string;
  destination_id: string;
  audit_event_id: bigint;
  attempts: number;
}

/**
 * Sends due deliveries. Each is claimed with a lease (its next attempt moved
 * past the send's timeout) under SKIP LOCKED, so several replicas share the
 * queue without sending the same delivery at the same time.
 */
export async function sendDueSiemDeliveries(options: DeliveryOptions = {}): Promise<{ delivered: number; failed: number; dead: number }> {
  const scope = options.destinationIds ?? null;
  const claimed = await prisma.$queryRaw<Claimed[]>`
    UPDATE siem_deliveries SET next_attempt_at = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${LEASE_SECONDS})
    WHERE id IN (
      SELECT d.id FROM siem_deliveries d JOIN siem_destinations s ON s.id = d.destination_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= (now() AT TIME ZONE 'UTC') AND s.enabled
        AND (${scope}::text[] IS NULL OR d.destination_id = ANY(${scope}::text[]))
      ORDER BY d.next_attempt_at, d.audit_event_id
      LIMIT ${CLAIM_BATCH}
      FOR UPDATE OF d SKIP LOCKED
    )
    RETURNING id, destination_id, audit_event_id, attempts`;
  const outcome = { delivered: 0, failed: 0, dead: 0 };
  if (claimed.length === 0) return outcome;

  const destinations = new Map(
    (
      await prisma.siemDestination.findMany({
        where: { id: { in: [...new Set(claimed.map((row) => row.destination_id))] } },
        omit: { secretEnc: false },
      })
    ).map((destination) => [destination.id, destination]),
  );
  const events = new Map(
    (await prisma.auditEvent.findMany({ where: { id: { in: claimed.map((row) => row.audit_event_id) } } })).map((event) => [event.id, event]),
  );

  await Promise.all(
    claimed.map(async (row) => {
      const destination = destinations.get(row.destination_id)!;
      const event = events.get(row.audit_event_id);
      const result = event
        ? await post(destination.url, open(destination.secretEnc, secretContext(destination.id)), row.id, event, options)
        : { ok: false, error: 'The event was removed by the retention job before it could be delivered.', final: true };
      const attempts = row.attempts + 1;
      if (result.ok) {
        await prisma.siemDelivery.update({ where: { id: row.id }, data: { status: 'delivered', attempts, deliveredAt: new Date(), lastError: null } });
        outcome.delivered++;
        metrics.webhook('siem', 'delivered');
        return;
      }
      const dead = result.final || attempts >= (options.maxAttempts ?? MAX_ATTEMPTS);
      const delay = backoffMs(attempts, { baseMs: options.baseBackoffMs, maxMs: options.maxBackoffMs });
      await prisma.siemDelivery.update({
        where: { id: row.id },
        data: { status: dead ? 'dead' : 'pending', attempts, lastError: result.error.slice(0, 500), nextAttemptAt: new Date(Date.now() + delay) },
      });
      if (dead) outcome.dead++;
      else outcome.failed++;
      metrics.webhook('siem', dead ? 'dead' : 'failed');
      log.warn({ deliveryId: row.id, destinationId: row.destination_id, attempts, dead, error: result.error }, 'SIEM delivery failed');
    }),
  );
  return outcome;
}

/** A destination belongs to a customer, so it gets the event as customers see it. */
export function deliveryBody(deliveryId: string, event: AuditEvent): string {
  return JSON.stringify({ id: deliveryId, type: 'audit.event', event: exportRecord(event, 'customer') });
}

async function post(url: string, secret: string, deliveryId: string, event: AuditEvent, options: DeliveryOptions): Promise<{ ok: true } | { ok: false; error: string; final?: boolean }> {
  const body = deliveryBody(deliveryId, event);
  try {
    const response = await outboundRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Portcullis-SIEM/1',
        [SIGNATURE_HEADER]: signPayload(secret, body),
        [IDEMPOTENCY_HEADER]: deliveryId,
        [EVENT_ID_HEADER]: event.id.toString(),
      },
      body,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxResponseBytes: 64 * 1024,
    });
    if (response.status >= 200 && response.status < 300) return { ok: true };
    // The status only: the body of whatever answered is never stored or shown.
    return { ok: false, error: `The destination answered HTTP ${response.status}.` };
  } catch (error) {
    if (error instanceof OutboundError) return { ok: false, error: error.message };
    throw error;
  }
}
