import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { isAppError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import { auditExportStream, EXPORT_CONTENT_TYPES, type ExportFormat } from './export';
import { openAuditExport } from './export-service';
import { parseAuditFilters } from './filters';
import type { AuditScope } from './list';
import { problemResponse } from '@/lib/platform/problem';

/** The export route handlers' shared answer: a streamed attachment, or a JSON error. */
export async function auditExportResponse(actor: Actor, scope: AuditScope, url: URL): Promise<Response> {
  const format = (['csv', 'json', 'jsonl'] as const).find((value) => value === url.searchParams.get('format')) ?? null;
  if (!format) return problemResponse(400, 'format must be csv, json or jsonl');
  try {
    const { chunks, filename } = await openAuditExport(actor, scope, parseAuditFilters(url.searchParams), format as ExportFormat);
    const body = auditExportStream(chunks, (error) => log.error({ err: error, requestId: actor.requestId }, 'audit export failed mid-stream'));
    return new Response(body, {
      headers: {
        'content-type': EXPORT_CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="${filename}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (error) {
    if (isAppError(error)) return problemResponse(error.status, error.message);
    throw error;
  }
}
