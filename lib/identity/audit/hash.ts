import 'server-only';
import { createHash } from 'node:crypto';

/**
 * The audit log's tamper evidence: each event's hash covers its content and
 * the previous event's hash, so editing, deleting or reordering a row breaks
 * the chain from that row on. Pure, so the writer and `portcullis audit
 * verify` compute exactly the same thing.
 */

export const GENESIS_HASH = '0'.repeat(64);

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface AuditContent {
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  orgId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  metadata: JsonValue | null;
}

/** JSON with object keys sorted at every level: PostgreSQL's jsonb does not keep key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function auditHash(prevHash: string, content: AuditContent): string {
  const body = canonicalJson({ ...content, occurredAt: content.occurredAt.toISOString() });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

const SECRET_KEY = /(password|secret|hash|privatekey|^token$|credential)/i;

/**
 * Makes a before/after snapshot safe and stable to store: secrets dropped by
 * key name, dates as ISO strings, bigints as strings.
 */
export function snapshot(value: unknown): JsonValue | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map((item) => snapshot(item));
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined || typeof item === 'function' || SECRET_KEY.test(key)) continue;
      out[key] = snapshot(item);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value as JsonValue;
}
