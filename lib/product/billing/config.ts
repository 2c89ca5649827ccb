import 'server-only';
import { AppError } from '@/lib/platform/errors';
import { env, type EnvSource } from '@/lib/platform/config/env';

/**
 * Billing configuration from the environment. Without STRIPE_SECRET_KEY and
 * STRIPE_WEBHOOK_SECRET billing is "not configured": pages say so, actions
 * refuse, and tiers change only by staff. STRIPE_API_BASE points the `stripe`
 * library at another host (the local stand-in in tests and the demo).
 */
export interface BillingConfig {
  secretKey: string;
  webhookSecret: string;
  /** e.g. http://127.0.0.1:5180 for the local stand-in; unset for api.stripe.com. */
  apiBase: string | null;
  /** True when talking to a test account or the stand-in (keys starting sk_test_). */
  testMode: boolean;
  /** True when apiBase is the bundled local stand-in (`npm run demo`). */
  standIn: boolean;
  pastDueGraceDays: number;
}

/** BILLING_PAST_DUE_GRACE_DAYS, default 7. */
export function pastDueGraceDays(source?: EnvSource): number {
  return env('BILLING_PAST_DUE_GRACE_DAYS', source);
}

export function billingConfig(source?: EnvSource): BillingConfig | null {
  const secretKey = env('STRIPE_SECRET_KEY', source);
  const webhookSecret = env('STRIPE_WEBHOOK_SECRET', source);
  if (!secretKey || !webhookSecret) return null;
  const apiBase = env('STRIPE_API_BASE', source);
  return {
    secretKey,
    webhookSecret,
    apiBase: apiBase ? apiBase.replace(/\/+$/, '') : null,
    testMode: secretKey.startsWith('sk_test_') || secretKey.startsWith('rk_test_'),
    standIn: env('STRIPE_STAND_IN', source) === '1',
    pastDueGraceDays: pastDueGraceDays(source),
  };
}

/** What every billing service and the webhook throw on a server without Stripe keys: 503, the server is not set up for it. */
export class BillingNotConfiguredError extends AppError {
  constructor() {
    super('Billing is not configured on this server: STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are not set.', 503, 'billing_not_configured');
  }
}

export function requireBillingConfig(source?: EnvSource): BillingConfig {
  const config = billingConfig(source);
  if (!config) throw new BillingNotConfiguredError();
  return config;
}
