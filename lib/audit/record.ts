import type { Actor } from '@/lib/auth/actor';
import { Prisma, type Db } from '@/lib/db/client';
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
export async function recordAudit(tx: Db, actor: Actor, input: AuditInput) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
  const previous = await tx.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { hash: true } });
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
  const json = (value: AuditContent['before']) => (value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue));
  return tx.auditEvent.create({
    data: {
      ...content,
      before: json(content.before),
      after: json(content.after),
      metadata: json(content.metadata),
      prevHash,
      hash: auditHash(prevHash, content),
    },
  });
}
