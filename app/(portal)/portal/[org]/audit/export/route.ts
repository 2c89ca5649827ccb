import { auditExportResponse } from '@/lib/identity/audit/export-response';
import { actorFor, getSessionUser } from '@/lib/identity/auth/session';
import { problemResponse } from '@/lib/platform/problem';

export const dynamic = 'force-dynamic';

/** GET /portal/<org>/audit/export?format=csv|json|jsonl&filters… — this org's events, streamed. */
export async function GET(request: Request, { params }: { params: Promise<{ org: string }> }) {
  const user = await getSessionUser();
  if (!user) return problemResponse(401, 'Sign in to continue.');
  const { org } = await params;
  return auditExportResponse(actorFor(user, request.headers), { kind: 'org', slug: org }, new URL(request.url));
}
