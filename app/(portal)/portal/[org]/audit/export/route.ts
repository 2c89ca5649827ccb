import { auditExportResponse } from '@/lib/identity/audit/export-response';
import { actorFor, getSessionUser } from '@/lib/identity/auth/session';

export const dynamic = 'force-dynamic';

/** GET /portal/<org>/audit/export?format=csv|json|jsonl&filters… — this org's events, streamed. */
export async function GET(request: Request, { params }: { params: Promise<{ org: string }> }) {
  const user = await getSessionUser();
  if (!user) return Response.json({ error: 'Sign in to continue.' }, { status: 401 });
  const { org } = await params;
  return auditExportResponse(actorFor(user, request.headers), { kind: 'org', slug: org }, new URL(request.url));
}
