import 'server-only';
import Stripe from 'stripe';
import { requireBillingConfig, type BillingConfig } from './config';

const clients = new Map<string, Stripe>();

/** Library options that point `stripe` at STRIPE_API_BASE (the local stand-in) instead of api.stripe.com. */
function stripeHostOptions(apiBase: string | null): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
}

export function createStripe(secretKey: string, apiBase: string | null): Stripe {
  return new Stripe(secretKey, { ...stripeHostOptions(apiBase), maxNetworkRetries: 2, timeout: 20_000, telemetry: false });
}

/** The Stripe client for the configured account; one per key and host, reused. */
export function stripeClient(config: BillingConfig = requireBillingConfig()): Stripe {
  const cacheKey = `${config.apiBase ?? ''} ${config.secretKey}`;
  let client = clients.get(cacheKey);
  if (!client) {
    client = createStripe(config.secretKey, config.apiBase);
    clients.set(cacheKey, client);
  }
  return client;
}
