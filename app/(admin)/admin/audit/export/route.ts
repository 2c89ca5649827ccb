import { auditExportResponse } from '@/lib/audit/export-response';
import { getSessionUser, actorFor } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

/** GET /admin/audit/export?format=csv|json|jsonl&actor=&action=&target=&from=&to= — streamed. */
export async function GET(request: Request) {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: 'Sign in to continue.' }, { status: 401 });
  return auditExportResponse(actorFor(user, request.headers), { kind: 'all' }, new URL(request.url));
}
