import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { sqlTimestamp, type Sql } from '@/lib/platform/db/sql';
import { auditHash, GENESIS_HASH, snapshot, type AuditContent } from './hash';

export interface AuditInput {
  /** `resource.verb`, e.g. `token.revoke`. */
  action: string;
  target: { type: string; id?: string | null };
  orgId?: string | null;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
}

// Serializes writers so the hash chain has one well-defined order; held until
// the surrounding transaction commits.
const AUDIT_CHAIN_LOCK = 0x70617564; // "paud"

/**
 * Records an audit event. Call it with the transaction that makes the change,
 * so the change and its record commit (or roll back) together.
 */
export async function recordAudit(tx: Sql, actor: Actor, input: AuditInput): Promise<{ id: bigint; hash: string }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const [previous] = await tx.$queryRaw<{ hash: string }[]>`SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1`;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  const content: AuditContent = {
    occurredAt: new Date(),
    actorType: actor.kind === 'user' ? (actor.staffRole ? 'staff' : 'user') : actor.kind,
    actorId: actor.userId,
    actorLabel: actor.label,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id ?? null,
    orgId: input.orgId ?? null,
    ip: actor.ip ?? null,
    userAgent: actor.userAgent ?? null,
    requestId: actor.requestId ?? null,
    before: snapshot(input.before),
    after: snapshot(input.after),
    metadata: snapshot(input.metadata),
  };
  const hash = auditHash(prevHash, content);
  const json = (value: AuditContent['before']) => (value === null ? null : JSON.stringify(value));
  // Raw SQL, so the registry gateway's pg pool records audits as Prisma's transactions do (lib/platform/db/sql.ts).
  const [row] = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO audit_events (occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id, org_id,
                              ip, user_agent, request_id, before, after, metadata, prev_hash, hash)
    VALUES (${sqlTimestamp(content.occurredAt)}::timestamp, ${content.actorType}, ${content.actorId}, ${content.actorLabel}, ${content.action},
            ${content.targetType}, ${content.targetId}, ${content.orgId}, ${content.ip}, ${content.userAgent}, ${content.requestId},
            ${json(content.before)}::jsonb, ${json(content.after)}::jsonb, ${json(content.metadata)}::jsonb, ${prevHash}, ${hash})
    RETURNING id`;
  return { id: row!.id, hash };
}
