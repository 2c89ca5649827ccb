import type { Db } from '@/lib/platform/db/client';
import { auditHash, GENESIS_HASH, type AuditContent } from '@/lib/identity/audit/hash';

/**
 * Appends `count` synthetic, correctly chained audit events in bulk (for
 * tests of large exports and for the benchmarks): hashes computed here, rows
 * written with one multi-row INSERT per batch. Holds the chain lock like
 * recordAudit, so it must run inside a transaction.
 */
export async function appendSyntheticEvents(
  tx: Db,
  count: number,
  options: { orgIds?: (string | null)[]; start?: Date; stepMs?: number; batchSize?: number; tricky?: boolean } = {},
): Promise<{ firstId: bigint; lastId: bigint }> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x70617564})`;
  const head = await tx.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true, hash: true } });
  let prevHash = head?.hash ?? GENESIS_HASH;
  const orgIds = options.orgIds ?? [null];
  const start = options.start ?? new Date(Date.now() - count * (options.stepMs ?? 1000));
  const batchSize = options.batchSize ?? 2_000;
  const actions = ['token.create', 'token.revoke', 'customer.update', 'member.invite', 'license.issue'];
  let firstId: bigint | null = null;
  let lastId = 0n;
  for (let offset = 0; offset < count; offset += batchSize) {
    const n = Math.min(batchSize, count - offset);
    const cols: Record<string, unknown[]> = {
      occurred_at: [], actor_type: [], actor_label: [], action: [], target_type: [], target_id: [], org_id: [], ip: [], user_agent: [], after: [], prev_hash: [], hash: [],
    };
    for (let i = 0; i < n; i++) {
      const k = offset + i;
      const content: AuditContent = {
        occurredAt: new Date(start.getTime() + k * (options.stepMs ?? 1000)),
        actorType: k % 7 === 0 ? 'staff' : 'user',
        actorId: null,
        actorLabel: `user${k % 50}@example.test`,
        action: actions[k % actions.length]!,
        targetType: 'registry_token',
        targetId: `tok-${k}`,
        orgId: orgIds[k % orgIds.length] ?? null,
        ip: '203.0.113.9',
        userAgent: options.tricky && k % 10 === 3 ? '=HYPERLINK("x"), "quoted"\nnext line' : 'docker/27.0',
        requestId: null,
        before: null,
        after: { n: k, note: options.tricky && k % 10 === 3 ? 'comma, "quote"' : 'ok' },
        metadata: null,
      };
      const hash = auditHash(prevHash, content);
      cols.occurred_at!.push(content.occurredAt);
      cols.actor_type!.push(content.actorType);
      cols.actor_label!.push(content.actorLabel);
      cols.action!.push(content.action);
      cols.target_type!.push(content.targetType);
      cols.target_id!.push(content.targetId);
      cols.org_id!.push(content.orgId);
      cols.ip!.push(content.ip);
      cols.user_agent!.push(content.userAgent);
      cols.after!.push(JSON.stringify(content.after));
      cols.prev_hash!.push(prevHash);
      cols.hash!.push(hash);
      prevHash = hash;
    }
    const rows = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO audit_events (occurred_at, actor_type, actor_label, action, target_type, target_id, org_id, ip, user_agent, after, prev_hash, hash)
      SELECT * FROM unnest(
        ${cols.occurred_at}::timestamp(3)[], ${cols.actor_type}::text[], ${cols.actor_label}::text[], ${cols.action}::text[], ${cols.target_type}::text[],
        ${cols.target_id}::text[], ${cols.org_id}::text[], ${cols.ip}::text[], ${cols.user_agent}::text[], ${cols.after}::jsonb[], ${cols.prev_hash}::text[], ${cols.hash}::text[]
      )
      RETURNING id`;
    firstId ??= rows[0]!.id;
    lastId = rows[rows.length - 1]!.id;
  }
  return { firstId: firstId ?? 0n, lastId };
}
