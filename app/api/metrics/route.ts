import { checkMetricsAuth } from '@/lib/platform/observability/metrics-auth';
import { renderMetrics } from '@/lib/platform/observability/metrics';
import { problemResponse } from '@/lib/platform/problem';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const auth = checkMetricsAuth(request.headers.get('authorization'));
  if (auth === 'disabled') return problemResponse(404, 'Metrics are disabled (METRICS_TOKEN).');
  if (auth === 'unauthorized') {
    return problemResponse(401, 'A bearer token (METRICS_TOKEN) is required.', { 'www-authenticate': 'Bearer realm="metrics"' });
  }
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
