import 'server-only';
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@/lib/platform/crypto/keyed-hash';

/**
 * Deliveries carry `X-Portcullis-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 is HMAC-SHA256 under the destination's secret over `<t>.<raw body>`
 * (the scheme Stripe uses, so receivers know how to check it). The
 * timestamp lets receivers refuse replays older than a few minutes.
 */
export const SIGNATURE_HEADER = 'x-portcullis-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const EVENT_ID_HEADER = 'x-portcullis-event-id';

export function signPayload(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does; exported for tests and for customers' reference. */
export function verifySignature(secret: string, body: string, header: string | null | undefined, toleranceSeconds = 300, now = Date.now()): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return false;
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return constantTimeEqual(expected, parts.v1);
}

/** Delay before attempt `attempt + 1` after `attempt` failures: exponential, capped, with jitter in [50%, 100%]. */
export function backoffMs(attempt: number, options: { baseMs?: number; maxMs?: number; random?: () => number } = {}): number {
  const base = options.baseMs ?? 5_000;
  const max = options.maxMs ?? 3_600_000;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.5 + 0.5 * (options.random ?? Math.random)()));
}
