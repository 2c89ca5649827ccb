import { checkReadiness } from '@/lib/platform/observability/readiness';

export const dynamic = 'force-dynamic';

/** Readiness probe: 200 when this replica can serve, 503 with the failing checks otherwise. */
export async function GET() {
  const readiness = await checkReadiness();
  return Response.json(
    { status: readiness.ready ? 'ready' : 'not_ready', checks: readiness.checks },
    { status: readiness.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
