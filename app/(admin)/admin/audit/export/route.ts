import { auditExportResponse } from '@/lib/identity/audit/export-response';
import { currentStaffActor } from '@/lib/identity/auth/session';
import { isAppError } from '@/lib/platform/errors';
import { routeErrorResponse } from '@/lib/platform/problem';

export const dynamic = 'force-dynamic';

/** GET /admin/audit/export?format=csv|json|jsonl&actor=&action=&target=&from=&to= — streamed. */
export async function GET(request: Request) {
  try {
    const actor = await currentStaffActor('audit.export');
    return await auditExportResponse(actor, { kind: 'all' }, new URL(request.url));
  } catch (error) {
    if (isAppError(error)) return routeErrorResponse(error, 'audit export');
    throw error;
  }
}
