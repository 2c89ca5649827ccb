import { createServer } from 'node:http';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripe } from '@/lib/product/billing/stripe-client';
import { parseStripeForm } from './form';
import { startStripeStandIn, type StripeStandIn } from './server';

describe('parseStripeForm', () => {
  it('nests brackets and turns indexes into arrays', () => {
    expect(parseStripeForm('mode=subscription&line_items[0][price]=p1&line_items[0][quantity]=1&metadata[org_id]=o%201&expand[0]=x')).toEqual({
      mode: 'subscription',
      line_items: [{ price: 'p1', quantity: '1' }],
      metadata: { org_id: 'o 1' },
      expand: ['x'],
    });
  });
});

describe('Stripe stand-in with the real stripe library', () => {
  let standIn: StripeStandIn;
  let stripe: Stripe;
  const received: { body: string; signature: string }[] = [];
  let hook: ReturnType<typeof createServer>;
  const secret = 'whsec_standin_test_secret';

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const port = (hook.address() as { port: number }).port;
    standIn = await startStripeStandIn({ webhook: { url: `http://127.0.0.1:${port}/hook`, secret } });
    stripe = createStripe('sk_test_standin', standIn.url);
  });
  afterAll(async () => {
    await standIn.stop();
    await new Promise((resolve) => hook.close(resolve));
  });

  async function catalog() {
    const product = await stripe.products.create({ name: 'Team' });
    const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 4900, recurring: { interval: 'month' }, lookup_key: `team_${Date.now()}_${Math.random()}` });
    return { product, price };
  }

  it('rejects a missing or wrong API key as Stripe does', async () => {
    const bad = createStripe('sk_live_nope', standIn.url);
    await expect(bad.customers.create({})).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
  });

  it('validates required parameters with Stripe-shaped errors', async () => {
    await expect(stripe.products.create({} as Stripe.ProductCreateParams)).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_missing',
      param: 'name',
      message: 'Missing required param: name.',
    });
    await expect(stripe.checkout.sessions.create({ mode: 'subscription', success_url: 'http://x.test/ok' })).rejects.toMatchObject({ param: 'line_items' });
    await expect(
      stripe.checkout.sessions.create({ mode: 'subscription', success_url: 'http://x.test/ok', line_items: [{ price: 'price_missing', quantity: 1 }] }),
    ).rejects.toMatchObject({ code: 'resource_missing', statusCode: 404 });
    await expect(stripe.billingPortal.sessions.create({} as Stripe.BillingPortal.SessionCreateParams)).rejects.toMatchObject({ param: 'customer' });
    await expect(stripe.subscriptions.retrieve('sub_nope')).rejects.toMatchObject({ code: 'resource_missing', message: "No such subscription: 'sub_nope'" });
  });

  it('runs a checkout to a subscription, an invoice and signed webhooks', async () => {
    const { price } = await catalog();
    const customer = await stripe.customers.create({ email: 'billing@acme.test', metadata: { org_id: 'org_1' } });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'org_1',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://portal.test/billing?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://portal.test/billing',
      subscription_data: { metadata: { org_id: 'org_1' } },
    });
    expect(session.url).toContain(`/checkout/${session.id}`);

    const page = await fetch(session.url!);
    expect(await page.text()).toContain('TEST MODE');
    const paid = await fetch(session.url!, { method: 'POST', body: new URLSearchParams({ email: 'billing@acme.test', card: '4242424242424242' }), redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`http://portal.test/billing?session_id=${session.id}`);

    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', client_reference_id: 'org_1' });
    const sub = await stripe.subscriptions.retrieve(done.subscription as string);
    expect(sub).toMatchObject({ status: 'active', customer: customer.id, metadata: { org_id: 'org_1' } });
    expect(sub.items.data[0]!.price.id).toBe(price.id);
    const invoices = await stripe.invoices.list({ customer: customer.id });
    expect(invoices.data).toHaveLength(1);
    expect(invoices.data[0]).toMatchObject({ status: 'paid', amount_paid: 4900 });

    const types = received.map((r) => (JSON.parse(r.body) as Stripe.Event).type);
    expect(types).toEqual(expect.arrayContaining(['customer.subscription.created', 'invoice.paid', 'checkout.session.completed']));
    for (const delivery of received) {
      const event = stripe.webhooks.constructEvent(delivery.body, delivery.signature, secret);
      expect(event.id).toMatch(/^evt_/);
    }
    expect(() => stripe.webhooks.constructEvent(received[0]!.body, received[0]!.signature, 'whsec_other')).toThrow();

    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://portal.test/billing' });
    expect(await (await fetch(portal.url)).text()).toContain('Manage your subscription');

    const canceled = await stripe.subscriptions.cancel(sub.id);
    expect(canceled.status).toBe('canceled');
    expect((await stripe.subscriptions.list({ customer: customer.id })).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data).toHaveLength(1);
  });

  it('declines the decline test card and keeps the session open', async () => {
    const { price } = await catalog();
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: price.id, quantity: 1 }], success_url: 'http://portal.test/ok' });
    const declined = await fetch(session.url!, { method: 'POST', body: new URLSearchParams({ email: 'a@b.test', card: '4000 0000 0000 0002' }), redirect: 'manual' });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined.');
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('replays an idempotent POST instead of creating twice', async () => {
    const a = await stripe.customers.create({ email: 'same@acme.test' }, { idempotencyKey: 'key-1' });
    const b = await stripe.customers.create({ email: 'same@acme.test' }, { idempotencyKey: 'key-1' });
    expect(b.id).toBe(a.id);
  });
});
