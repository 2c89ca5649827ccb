import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { auditExportChunks, type ExportFormat } from './export';
import { auditWhere, type AuditFilters } from './filters';
import { resolveAuditScope, type AuditScope } from './list';
import { recordAudit } from './record';

/**
 * Starts an export of the filtered audit events: checks the permission,
 * records who exported what (itself an audit event), and returns the chunks
 * to stream. Nothing is read until the caller pulls.
 */
export async function openAuditExport(actor: Actor, scope: AuditScope, filters: AuditFilters, format: ExportFormat) {
  const resolved = await resolveAuditScope(prisma, actor, scope, 'export');
  await prisma.$transaction((tx) =>
    recordAudit(tx, actor, {
      action: 'audit.export',
      target: { type: 'audit_log', id: resolved.orgId ?? null },
      orgId: resolved.orgId ?? null,
      metadata: { format, filters: { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString() } },
    }),
  );
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '');
  const filename = `audit-${resolved.org?.slug ?? 'all'}-${stamp}.${format === 'jsonl' ? 'jsonl' : format}`;
  return { chunks: auditExportChunks(prisma, auditWhere(filters, resolved.orgId), format, resolved.audience), filename };
}
