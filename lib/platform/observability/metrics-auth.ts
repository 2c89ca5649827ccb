import 'server-only';
import { constantTimeEqual } from '@/lib/platform/crypto/keyed-hash';
import { metrics } from './metrics';
import { env } from '@/lib/platform/config/env';

/**
 * /api/metrics is for the operator's Prometheus: `Authorization: Bearer
 * $METRICS_TOKEN`. Without METRICS_TOKEN the endpoint is off (404), so a
 * forgotten variable never exposes it.
 */
export function checkMetricsAuth(authorization: string | null): 'ok' | 'disabled' | 'unauthorized' {
  const token = env('METRICS_TOKEN');
  if (!token) return 'disabled';
  const presented = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (presented && constantTimeEqual(presented, token)) return 'ok';
  metrics.authFailure('metrics_token');
  return 'unauthorized';
}
