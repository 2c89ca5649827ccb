// `npm run stripe:setup`: creates the plans' products and recurring prices in
// the Stripe account of STRIPE_SECRET_KEY (use a test key: sk_test_...), or
// finds them when they exist, and prints the STRIPE_PRICE_* lines to put in
// the portal's environment. STRIPE_API_BASE points it elsewhere (e.g. the
// local stand-in: `npm run stripe:setup -- --stand-in` starts one and shows
// the result against it).
import { ensureCatalog } from '@/lib/product/billing/catalog';
import { createStripe } from '@/lib/product/billing/stripe-client';
import { startStripeStandIn } from '@/dev/stripe-stand-in/server';

const useStandIn = process.argv.includes('--stand-in');
const standIn = useStandIn ? await startStripeStandIn() : null;
const key = standIn ? 'sk_test_stand_in' : process.env.STRIPE_SECRET_KEY;
if (!key) {
  console.error('Set STRIPE_SECRET_KEY to a Stripe secret key (a test-mode key sk_test_... is recommended), or pass --stand-in.');
  process.exit(2);
}
if (key.startsWith('sk_live_') && !process.argv.includes('--live')) {
  console.error('STRIPE_SECRET_KEY is a live key. Re-run with --live if you really mean to create live products and prices.');
  process.exit(2);
}
try {
  const result = await ensureCatalog(createStripe(key, standIn?.url ?? process.env.STRIPE_API_BASE ?? null));
  for (const line of result.created) console.error(`created ${line}`);
  for (const line of result.reused) console.error(`exists  ${line}`);
  console.error('\nAdd to the portal environment (Enterprise prices are optional: without them Enterprise is "contact sales"):\n');
  for (const [name, value] of Object.entries(result.env)) console.log(`${name}=${value}`);
} catch (error) {
  console.error(`stripe:setup failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await standIn?.stop();
}
