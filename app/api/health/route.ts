import { databaseReachable } from '@/lib/platform/db/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const database = await databaseReachable();
  return Response.json(
    { status: database.ok ? 'ok' : 'unavailable', database: database.ok ? 'ok' : 'unreachable', latencyMs: database.latencyMs },
    { status: database.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
