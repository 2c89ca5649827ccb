import { checkMetricsAuth } from '@/lib/platform/observability/metrics-auth';
import { renderMetrics } from '@/lib/platform/observability/metrics';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const auth = checkMetricsAuth(request.headers.get('authorization'));
  if (auth === 'disabled') return new Response('Not found\n', { status: 404 });
  if (auth === 'unauthorized') {
    return new Response('Unauthorized\n', { status: 401, headers: { 'www-authenticate': 'Bearer realm="metrics"' } });
  }
  const { body, contentType } = await renderMetrics();
  return new Response(body, { headers: { 'content-type': contentType, 'cache-control': 'no-store' } });
}
