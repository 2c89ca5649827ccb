import { processStripeWebhook } from '@/lib/product/billing/webhooks';
import { isAppError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import { problemResponse } from '@/lib/platform/problem';

export const dynamic = 'force-dynamic';

/**
 * Stripe's webhook endpoint. The signature is verified on the raw bytes, so
 * the body is read as a buffer and never parsed first. 400 for a bad or
 * missing signature (nothing written); 500 on a failure Stripe should retry.
 */
export async function POST(request: Request) {
  const raw = Buffer.from(await request.arrayBuffer());
  try {
    const result = await processStripeWebhook(raw, request.headers.get('stripe-signature'));
    return Response.json({ received: true, outcome: result.outcome });
  } catch (error) {
    if (isAppError(error)) return problemResponse(error.status, error.message);
    log.error({ err: error }, 'stripe webhook failed');
    return problemResponse(500, 'Webhook processing failed; Stripe will retry.');
  }
}
