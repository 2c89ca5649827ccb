import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Stripe from 'stripe';
import { parseStripeForm, type FormObject, type FormValue } from './form';
import { checkoutPage, portalPage } from './pages';

/**
 * A local, in-memory stand-in for the parts of the Stripe API Portcullis
 * uses: customers, products, prices, Checkout Sessions, billing-portal
 * sessions, subscriptions and invoices. The real `stripe` library talks to it
 * through its host/port/protocol options. Required parameters are validated
 * and errors answered in Stripe's shape, so mistakes fail here as they would
 * against Stripe. It also serves a hosted checkout page and a small billing
 * portal, and sends webhooks signed exactly as Stripe signs them
 * (`stripe.webhooks.generateTestHeaderString`). Test mode only: no card is
 * ever charged.
 */

type Obj = Record<string, unknown> & { id: string };

export interface StandInOptions {
  port?: number;
  hostname?: string;
  /** Where webhooks go, and the secret they are signed with. Can be set later with setWebhook. */
  webhook?: { url: string; secret: string } | null;
  /** Seconds since the epoch; injectable so tests control subscription periods and event times. */
  clock?: () => number;
  /** API keys accepted (default: any key starting with sk_test_). */
  apiKey?: string;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  status: number | null;
  error?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; param?: string; code?: string },
  ) {
    super(body.message);
  }
}

const missing = (param: string) =>
  new StripeApiError(400, { type: 'invalid_request_error', code: 'parameter_missing', param, message: `Missing required param: ${param}.` });
const invalid = (param: string, message: string) => new StripeApiError(400, { type: 'invalid_request_error', code: 'parameter_invalid', param, message });
const noSuch = (kind: string, id: string, param = 'id') =>
  new StripeApiError(404, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${kind}: '${id}'` });

const API_VERSION = Stripe.API_VERSION;
const DAY = 24 * 3600;

export class StripeStandIn {
  readonly customers = new Map<string, Obj>();
  readonly products = new Map<string, Obj>();
  readonly prices = new Map<string, Obj>();
  readonly sessions = new Map<string, Obj>();
  readonly portalSessions = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly invoices = new Map<string, Obj>();
  readonly events: Obj[] = [];
  readonly deliveries: WebhookDelivery[] = [];
  /** Every API request, for tests that check what the portal asked for. */
  readonly requests: { method: string; path: string; params: FormObject }[] = [];
  private readonly idempotent = new Map<string, { status: number; body: unknown }>();
  private webhook: { url: string; secret: string } | null;
  private server: Server | null = null;
  private invoiceNumber = 0;
  clock: () => number;
  url = '';

  constructor(private readonly options: StandInOptions = {}) {
    this.webhook = options.webhook ?? null;
    this.clock = options.clock ?? (() => Math.floor(Date.now() / 1000));
  }

  /** What the `stripe` library needs to reach this server. */
  get clientConfig(): { host: string; port: number; protocol: 'http' } {
    const url = new URL(this.url);
    return { host: url.hostname, port: Number(url.port), protocol: 'http' };
  }

  setWebhook(webhook: { url: string; secret: string } | null) {
    this.webhook = webhook;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.hostname ?? '127.0.0.1', resolve);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : this.options.port;
    this.url = `http://${this.options.hostname ?? '127.0.0.1'}:${port}`;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ───────────────────────────── HTTP ─────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = await readBody(req);
    try {
      if (url.pathname.startsWith('/v1/')) return await this.handleApi(req, res, url, body);
      if (url.pathname.startsWith('/_stand-in/')) return await this.handleControl(req, res, url, body);
      return await this.handlePages(req, res, url, body);
    } catch (error) {
      if (error instanceof StripeApiError) return sendJson(res, error.status, { error: error.body });
      sendJson(res, 500, { error: { type: 'api_error', message: `Stand-in error: ${(error as Error).message}` } });
    }
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    const auth = req.headers.authorization ?? '';
    const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const keyOk = this.options.apiKey ? key === this.options.apiKey : key.startsWith('sk_test_');
    if (!keyOk) {
      return sendJson(res, 401, {
        error: {
          type: 'invalid_request_error',
          message: key ? `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : 'You did not provide an API key.',
        },
      });
    }
    const method = req.method ?? 'GET';
    const params = method === 'GET' || method === 'DELETE' ? parseStripeForm(url.search.slice(1)) : parseStripeForm(body);
    this.requests.push({ method, path: url.pathname, params });

    const idempotencyKey = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const cacheKey = typeof idempotencyKey === 'string' ? `${url.pathname} ${idempotencyKey}` : null;
    const cached = cacheKey ? this.idempotent.get(cacheKey) : undefined;
    if (cached) return sendJson(res, cached.status, cached.body, { 'idempotent-replayed': 'true' });

    let status = 200;
    let result: unknown;
    try {
      result = await this.route(method, url.pathname, params);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      status = error.status;
      result = { error: error.body };
    }
    if (cacheKey) this.idempotent.set(cacheKey, { status, body: result });
    sendJson(res, status, result, { 'request-id': `req_${token(14)}`, 'stripe-version': API_VERSION });
  }

  private async route(method: string, path: string, params: FormObject): Promise<unknown> {
    const parts = path.split('/').filter(Boolean).slice(1); // drop "v1"
    const [a, b, c] = parts;
    if (a === 'customers') {
      if (method === 'POST' && !b) return this.createCustomer(params);
      if (method === 'GET' && b) return this.find(this.customers, 'customer', b);
    }
    if (a === 'products') {
      if (method === 'POST' && !b) return this.createProduct(params);
      if (method === 'GET' && !b) return list(this.products, params, '/v1/products', (p) => matchesActive(p, params));
      if (method === 'GET' && b) return this.find(this.products, 'product', b);
    }
    if (a === 'prices') {
      if (method === 'POST' && !b) return this.createPrice(params);
      if (method === 'GET' && !b) return list(this.prices, params, '/v1/prices', (p) => this.priceMatches(p, params));
      if (method === 'GET' && b) return this.expandPrice(this.find(this.prices, 'price', b), params);
    }
    if (a === 'checkout' && b === 'sessions') {
      if (method === 'POST' && !c) return this.createCheckoutSession(params);
      if (method === 'GET' && c) return this.find(this.sessions, 'checkout.session', c);
    }
    if (a === 'billing_portal' && b === 'sessions' && method === 'POST' && !c) return this.createPortalSession(params);
    if (a === 'subscriptions') {
      if (method === 'GET' && !b) {
        if (params.customer && !this.customers.has(String(params.customer))) throw noSuch('customer', String(params.customer), 'customer');
        return list(this.subscriptions, params, '/v1/subscriptions', (s) => subscriptionMatches(s, params));
      }
      if (method === 'GET' && b) return this.find(this.subscriptions, 'subscription', b);
      if (method === 'POST' && b) return this.updateSubscription(b, params);
      if (method === 'DELETE' && b) return this.cancelSubscription(b);
    }
    if (a === 'invoices') {
      if (method === 'GET' && !b) {
        if (params.customer && !this.customers.has(String(params.customer))) throw noSuch('customer', String(params.customer), 'customer');
        return list(this.invoices, params, '/v1/invoices', (inv) => invoiceMatches(inv, params));
      }
      if (method === 'GET' && b) return this.find(this.invoices, 'invoice', b);
    }
    throw new StripeApiError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}). This Stripe stand-in serves only the endpoints Portcullis uses.`,
    });
  }

  private find(map: Map<string, Obj>, kind: string, id: string): Obj {
    const found = map.get(id);
    if (!found) throw noSuch(kind, id);
    return found;
  }

  // ───────────────────────────── resources ─────────────────────────────

  private createCustomer(params: FormObject): Obj {
    const email = optionalString(params, 'email');
    if (email !== undefined && email !== '' && !/^[^@\s]+@[^@\s]+$/.test(email)) throw invalid('email', 'Invalid email address: ' + email);
    const customer: Obj = {
      id: `cus_${token(14)}`,
      object: 'customer',
      created: this.clock(),
      email: email || null,
      name: optionalString(params, 'name') ?? null,
      description: optionalString(params, 'description') ?? null,
      metadata: metadataOf(params),
      livemode: false,
    };
    this.customers.set(customer.id, customer);
    return customer;
  }

  private createProduct(params: FormObject): Obj {
    const name = optionalString(params, 'name');
    if (!name) throw missing('name');
    const product: Obj = {
      id: optionalString(params, 'id') ?? `prod_${token(14)}`,
      object: 'product',
      active: params.active !== 'false',
      name,
      description: optionalString(params, 'description') ?? null,
      metadata: metadataOf(params),
      created: this.clock(),
      livemode: false,
    };
    if (this.products.has(product.id)) throw invalid('id', `Product already exists.`);
    this.products.set(product.id, product);
    return product;
  }

  private createPrice(params: FormObject): Obj {
    const currency = optionalString(params, 'currency');
    if (!currency) throw missing('currency');
    const product = optionalString(params, 'product');
    if (!product) throw missing('product');
    if (!this.products.has(product)) throw noSuch('product', product, 'product');
    const amount = optionalString(params, 'unit_amount');
    if (amount === undefined) throw missing('unit_amount');
    if (!/^\d+$/.test(amount)) throw invalid('unit_amount', 'Invalid integer: ' + amount);
    const recurringParam = params.recurring as FormObject | undefined;
    let recurring: Record<string, unknown> | null = null;
    if (recurringParam !== undefined) {
      const interval = optionalString(recurringParam, 'interval');
      if (!interval) throw missing('recurring[interval]');
      if (!['day', 'week', 'month', 'year'].includes(interval)) {
        throw invalid('recurring[interval]', `Invalid recurring[interval]: must be one of day, week, month, or year`);
      }
      recurring = { interval, interval_count: Number(optionalString(recurringParam, 'interval_count') ?? 1), usage_type: 'licensed' };
    }
    const lookupKey = optionalString(params, 'lookup_key') ?? null;
    if (lookupKey) {
      const holder = [...this.prices.values()].find((p) => p.lookup_key === lookupKey);
      if (holder && params.transfer_lookup_key !== 'true') {
        throw invalid('lookup_key', `A price (\`${holder.id}\`) already uses that lookup key.`);
      }
      if (holder) holder.lookup_key = null;
    }
    const price: Obj = {
      id: `price_${token(14)}`,
      object: 'price',
      active: true,
      currency: currency.toLowerCase(),
      unit_amount: Number(amount),
      recurring,
      type: recurring ? 'recurring' : 'one_time',
      product,
      lookup_key: lookupKey,
      nickname: optionalString(params, 'nickname') ?? null,
      metadata: metadataOf(params),
      created: this.clock(),
      livemode: false,
    };
    this.prices.set(price.id, price);
    return price;
  }

  private priceMatches(price: Obj, params: FormObject): boolean {
    if (!matchesActive(price, params)) return false;
    if (params.product && price.product !== params.product) return false;
    const keys = params.lookup_keys;
    if (keys !== undefined) {
      const wanted = Array.isArray(keys) ? keys.map(String) : [String(keys)];
      if (!wanted.includes(String(price.lookup_key))) return false;
    }
    return true;
  }

  private expandPrice(price: Obj, params: FormObject): Obj {
    const expand = Array.isArray(params.expand) ? params.expand.map(String) : [];
    return expand.includes('product') ? { ...price, product: this.products.get(String(price.product)) ?? price.product } : price;
  }

  private createCheckoutSession(params: FormObject): Obj {
    const mode = optionalString(params, 'mode');
    if (!mode) throw missing('mode');
    if (!['payment', 'setup', 'subscription'].includes(mode)) throw invalid('mode', `Invalid mode: must be one of payment, setup, or subscription`);
    const successUrl = optionalString(params, 'success_url');
    if (!successUrl) throw missing('success_url');
    checkUrl('success_url', successUrl);
    const cancelUrl = optionalString(params, 'cancel_url');
    if (cancelUrl) checkUrl('cancel_url', cancelUrl);
    const customer = optionalString(params, 'customer');
    if (customer && !this.customers.has(customer)) throw noSuch('customer', customer, 'customer');
    const reference = optionalString(params, 'client_reference_id');
    if (reference !== undefined && (reference.length > 200 || !/^[\w-]+$/.test(reference))) {
      throw invalid('client_reference_id', 'client_reference_id must be at most 200 characters of letters, digits, dashes and underscores.');
    }
    const lineItems = params.line_items;
    if (mode !== 'setup' && (!Array.isArray(lineItems) || lineItems.length === 0)) throw missing('line_items');
    const items = (lineItems as FormObject[] | undefined ?? []).map((item, i) => {
      const priceId = optionalString(item, 'price');
      if (!priceId) throw missing(`line_items[${i}][price]`);
      const price = this.prices.get(priceId);
      if (!price) throw noSuch('price', priceId, `line_items[${i}][price]`);
      if (!price.active) throw invalid(`line_items[${i}][price]`, `The price specified is inactive. This field only accepts active prices.`);
      const quantity = optionalString(item, 'quantity');
      if (!quantity) throw missing(`line_items[${i}][quantity]`);
      if (!/^[1-9]\d*$/.test(quantity)) throw invalid(`line_items[${i}][quantity]`, 'Quantity must be a positive integer.');
      return { price, quantity: Number(quantity) };
    });
    if (mode === 'subscription' && !items.some((item) => item.price.recurring)) {
      throw invalid('line_items', 'You must provide at least one recurring price in `subscription` mode when using prices.');
    }
    const subscriptionData = (params.subscription_data as FormObject | undefined) ?? {};
    const id = `cs_test_${token(24)}`;
    const session: Obj = {
      id,
      object: 'checkout.session',
      mode,
      status: 'open',
      payment_status: 'unpaid',
      customer: customer ?? null,
      customer_email: optionalString(params, 'customer_email') ?? null,
      client_reference_id: reference ?? null,
      success_url: successUrl,
      cancel_url: cancelUrl ?? null,
      subscription: null,
      metadata: metadataOf(params),
      created: this.clock(),
      expires_at: this.clock() + DAY,
      url: `${this.url}/checkout/${id}`,
      livemode: false,
      amount_total: items.reduce((sum, item) => sum + Number(item.price.unit_amount) * item.quantity, 0),
      currency: items[0]?.price.currency ?? null,
      // Not part of Stripe's session object; kept for completing the session.
      _line_items: items.map((item) => ({ price: item.price.id, quantity: item.quantity })),
      _subscription_metadata: metadataOf(subscriptionData),
      _trial_days: optionalString(subscriptionData, 'trial_period_days') ?? null,
    };
    this.sessions.set(id, session);
    return publicView(session);
  }

  private createPortalSession(params: FormObject): Obj {
    const customer = optionalString(params, 'customer');
    if (!customer) throw missing('customer');
    if (!this.customers.has(customer)) throw noSuch('customer', customer, 'customer');
    const returnUrl = optionalString(params, 'return_url');
    if (returnUrl) checkUrl('return_url', returnUrl);
    const id = `bps_${token(24)}`;
    const session: Obj = {
      id,
      object: 'billing_portal.session',
      customer,
      return_url: returnUrl ?? null,
      created: this.clock(),
      url: `${this.url}/portal/${id}`,
      livemode: false,
    };
    this.portalSessions.set(id, session);
    return session;
  }

  private async updateSubscription(id: string, params: FormObject): Promise<Obj> {
    const sub = this.find(this.subscriptions, 'subscription', id);
    if (sub.status === 'canceled') {
      throw invalid('id', 'A canceled subscription can only update its cancellation_details and metadata.');
    }
    const previous: Record<string, unknown> = {};
    if (params.cancel_at_period_end !== undefined) {
      const value = params.cancel_at_period_end;
      if (value !== 'true' && value !== 'false') throw invalid('cancel_at_period_end', 'Invalid boolean: ' + String(value));
      previous.cancel_at_period_end = sub.cancel_at_period_end;
      sub.cancel_at_period_end = value === 'true';
    }
    if (params.metadata !== undefined) {
      previous.metadata = sub.metadata;
      sub.metadata = { ...(sub.metadata as object), ...metadataOf(params) };
    }
    await this.emit('customer.subscription.updated', sub, previous);
    return sub;
  }

  private async cancelSubscription(id: string): Promise<Obj> {
    const sub = this.find(this.subscriptions, 'subscription', id);
    if (sub.status === 'canceled') throw invalid('id', `No such subscription: '${id}' is already canceled.`);
    sub.status = 'canceled';
    sub.canceled_at = this.clock();
    sub.ended_at = this.clock();
    await this.emit('customer.subscription.deleted', sub, { status: 'active' });
    return sub;
  }

  // ───────────────────────────── flows ─────────────────────────────

  /** Completes a Checkout Session as paying with a test card does: subscription, paid invoice, webhooks. */
  async completeCheckout(sessionId: string, email?: string): Promise<Obj> {
    const session = this.find(this.sessions, 'checkout.session', sessionId);
    if (session.status !== 'open') throw invalid('session', 'This Checkout Session is no longer open.');
    let customerId = session.customer as string | null;
    if (!customerId) {
      customerId = this.createCustomer({ email: email ?? (session.customer_email as string) ?? '' }).id;
      session.customer = customerId;
    }
    const now = this.clock();
    const lineItems = session._line_items as { price: string; quantity: number }[];
    const trialDays = session._trial_days ? Number(session._trial_days) : 0;
    const sub: Obj = {
      id: `sub_${token(14)}`,
      object: 'subscription',
      customer: customerId,
      status: trialDays > 0 ? 'trialing' : 'active',
      cancel_at_period_end: false,
      canceled_at: null,
      ended_at: null,
      created: now,
      start_date: now,
      trial_end: trialDays > 0 ? now + trialDays * DAY : null,
      metadata: session._subscription_metadata ?? {},
      latest_invoice: null,
      livemode: false,
      items: { object: 'list', data: [] as Obj[], has_more: false, url: '' },
    };
    (sub.items as { data: Obj[]; url: string }).url = `/v1/subscription_items?subscription=${sub.id}`;
    for (const item of lineItems) {
      const price = this.prices.get(item.price)!;
      (sub.items as { data: Obj[] }).data.push({
        id: `si_${token(14)}`,
        object: 'subscription_item',
        price,
        quantity: item.quantity,
        subscription: sub.id,
        created: now,
        current_period_start: now,
        current_period_end: periodEnd(now, price),
      });
    }
    this.subscriptions.set(sub.id, sub);
    await this.emit('customer.subscription.created', sub);
    const invoice = this.createInvoice(sub, 'paid');
    session.status = 'complete';
    session.payment_status = 'paid';
    session.subscription = sub.id;
    if (email && !session.customer_email) session.customer_email = email;
    await this.emit('invoice.paid', invoice);
    await this.emit('checkout.session.completed', publicView(session));
    return sub;
  }

  /** A renewal payment fails: past_due, an open invoice, invoice.payment_failed. */
  async failPayment(subscriptionId: string): Promise<Obj> {
    const sub = this.find(this.subscriptions, 'subscription', subscriptionId);
    if (sub.status === 'canceled') throw invalid('subscription', 'The subscription is canceled.');
    const previousStatus = sub.status;
    this.renewPeriod(sub);
    const invoice = this.createInvoice(sub, 'open');
    sub.status = 'past_due';
    await this.emit('invoice.payment_failed', invoice);
    await this.emit('customer.subscription.updated', sub, { status: previousStatus });
    return sub;
  }

  /** A payment succeeds (a renewal, or the retry of a failed one): active again, invoice.paid. */
  async payInvoice(subscriptionId: string): Promise<Obj> {
    const sub = this.find(this.subscriptions, 'subscription', subscriptionId);
    if (sub.status === 'canceled') throw invalid('subscription', 'The subscription is canceled.');
    const open = [...this.invoices.values()].find((inv) => inv.status === 'open' && subscriptionOf(inv) === sub.id);
    let invoice: Obj;
    if (open) {
      open.status = 'paid';
      open.amount_paid = open.amount_due;
      invoice = open;
    } else {
      this.renewPeriod(sub);
      invoice = this.createInvoice(sub, 'paid');
    }
    const previousStatus = sub.status;
    sub.status = 'active';
    await this.emit('invoice.paid', invoice);
    if (previousStatus !== 'active') await this.emit('customer.subscription.updated', sub, { status: previousStatus });
    return sub;
  }

  private renewPeriod(sub: Obj) {
    for (const item of (sub.items as { data: Obj[] }).data) {
      const start = Number(item.current_period_end);
      item.current_period_start = start;
      item.current_period_end = periodEnd(start, item.price as Obj);
    }
  }

  private createInvoice(sub: Obj, status: 'paid' | 'open'): Obj {
    const items = (sub.items as { data: Obj[] }).data;
    const amount = items.reduce((sum, item) => sum + Number((item.price as Obj).unit_amount) * Number(item.quantity), 0);
    const id = `in_${token(14)}`;
    const invoice: Obj = {
      id,
      object: 'invoice',
      customer: sub.customer,
      status,
      number: `STANDIN-${String(++this.invoiceNumber).padStart(4, '0')}`,
      currency: (items[0]?.price as Obj | undefined)?.currency ?? 'usd',
      amount_due: amount,
      amount_paid: status === 'paid' ? amount : 0,
      amount_remaining: status === 'paid' ? 0 : amount,
      created: this.clock(),
      period_start: items[0]?.current_period_start ?? this.clock(),
      period_end: items[0]?.current_period_end ?? this.clock(),
      hosted_invoice_url: `${this.url}/invoices/${id}`,
      invoice_pdf: null,
      billing_reason: sub.latest_invoice ? 'subscription_cycle' : 'subscription_create',
      parent: { type: 'subscription_details', quote_details: null, subscription_details: { subscription: sub.id, metadata: sub.metadata } },
      livemode: false,
    };
    this.invoices.set(id, invoice);
    sub.latest_invoice = id;
    return invoice;
  }

  /** Records an event and delivers it to the webhook endpoint (awaited, with a few retries). */
  async emit(type: string, object: Obj, previousAttributes?: Record<string, unknown>): Promise<Obj> {
    const event: Obj = {
      id: `evt_${token(24)}`,
      object: 'event',
      api_version: API_VERSION,
      created: this.clock(),
      data: { object: structuredClone(object), ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
      livemode: false,
      pending_webhooks: this.webhook ? 1 : 0,
      request: { id: null, idempotency_key: null },
      type,
    };
    this.events.push(event);
    await this.deliver(event);
    return event;
  }

  /** Sends an event (again): tests use it for duplicate and out-of-order delivery. */
  async deliver(event: Obj, attempts = 3): Promise<WebhookDelivery> {
    const record: WebhookDelivery = { eventId: event.id, type: String(event.type), status: null };
    if (!this.webhook) return record;
    const payload = JSON.stringify(event, null, 2);
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: this.webhook.secret });
        const response = await fetch(this.webhook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
          body: payload,
          signal: AbortSignal.timeout(30_000),
        });
        record.status = response.status;
        record.error = undefined;
        await response.text();
        if (response.ok) break;
      } catch (error) {
        record.error = (error as Error).message;
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
    this.deliveries.push(record);
    return record;
  }

  // ───────────────────────────── test controls and pages ─────────────────────────────

  private async handleControl(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    const parts = url.pathname.split('/').filter(Boolean).slice(1);
    if (req.method === 'GET' && parts[0] === 'events') return sendJson(res, 200, { events: this.events, deliveries: this.deliveries });
    if (req.method === 'POST' && parts[0] === 'subscriptions' && parts[1]) {
      if (parts[2] === 'fail_payment') return sendJson(res, 200, await this.failPayment(parts[1]));
      if (parts[2] === 'pay') return sendJson(res, 200, await this.payInvoice(parts[1]));
    }
    if (req.method === 'POST' && parts[0] === 'checkout' && parts[1]) {
      const params = parseStripeForm(body);
      return sendJson(res, 200, await this.completeCheckout(parts[1], optionalString(params, 'email')));
    }
    sendJson(res, 404, { error: { type: 'invalid_request_error', message: 'Unknown stand-in control' } });
  }

  private async handlePages(req: IncomingMessage, res: ServerResponse, url: URL, body: string) {
    const [area, id, action] = url.pathname.split('/').filter(Boolean);
    if (area === 'checkout' && id) {
      const session = this.sessions.get(id);
      if (!session) return sendHtml(res, 404, '<h1>This checkout link is not valid.</h1>');
      const lines = (session._line_items as { price: string; quantity: number }[]).map((item) => {
        const price = this.prices.get(item.price)!;
        return { name: String(this.products.get(String(price.product))?.name ?? price.product), price };
      });
      const customer = session.customer ? this.customers.get(String(session.customer)) : null;
      if (req.method === 'POST') {
        const form = new URLSearchParams(body);
        const card = (form.get('card') ?? '').replace(/\s+/g, '');
        const email = form.get('email') ?? String(customer?.email ?? '');
        if (session.status !== 'open') return redirect(res, String(session.success_url).replace('{CHECKOUT_SESSION_ID}', session.id));
        if (!/^\d{16}$/.test(card)) return sendHtml(res, 400, checkoutPage({ session, lines, email, error: 'Your card number is incomplete.' }));
        if (card === '4000000000000002') return sendHtml(res, 402, checkoutPage({ session, lines, email, error: 'Your card was declined.' }));
        await this.completeCheckout(session.id, email);
        return redirect(res, String(session.success_url).replace('{CHECKOUT_SESSION_ID}', session.id));
      }
      return sendHtml(res, 200, checkoutPage({ session, lines, email: String(customer?.email ?? session.customer_email ?? '') }));
    }
    if (area === 'portal' && id) {
      const session = this.portalSessions.get(id);
      if (!session) return sendHtml(res, 404, '<h1>This billing portal link is not valid or has expired.</h1>');
      if (req.method === 'POST' && action === 'act') {
        const form = new URLSearchParams(body);
        const subId = form.get('subscription') ?? '';
        const sub = this.subscriptions.get(subId);
        if (!sub || sub.customer !== session.customer) return sendHtml(res, 404, '<h1>No such subscription.</h1>');
        const what = form.get('action');
        if (what === 'cancel_at_period_end') await this.updateSubscription(subId, { cancel_at_period_end: 'true' });
        else if (what === 'resume') await this.updateSubscription(subId, { cancel_at_period_end: 'false' });
        else if (what === 'cancel_now') await this.cancelSubscription(subId);
        else if (what === 'fail_payment') await this.failPayment(subId);
        else if (what === 'pay') await this.payInvoice(subId);
        return redirect(res, `/portal/${id}`);
      }
      const subs = [...this.subscriptions.values()].filter((sub) => sub.customer === session.customer);
      const productName = (price: Obj) => String(this.products.get(String(price.product))?.name ?? price.product);
      return sendHtml(res, 200, portalPage({ session, subscriptions: subs, productName }));
    }
    if (area === 'invoices' && id) {
      const invoice = this.invoices.get(id);
      if (!invoice) return sendHtml(res, 404, '<h1>No such invoice.</h1>');
      return sendJson(res, 200, invoice);
    }
    sendHtml(res, 404, '<h1>Stripe stand-in</h1><p>Nothing here.</p>');
  }
}

// ───────────────────────────── helpers ─────────────────────────────

export async function startStripeStandIn(options: StandInOptions = {}): Promise<StripeStandIn> {
  return new StripeStandIn(options).start();
}

function token(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function optionalString(params: FormObject, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(key, `Invalid ${key}: must be a string`);
  return value;
}

function metadataOf(params: FormObject): Record<string, string> {
  const metadata = params.metadata;
  if (metadata === undefined || metadata === '') return {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw invalid('metadata', 'Invalid metadata: must be an object');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata as Record<string, FormValue>)) {
    if (typeof value !== 'string') throw invalid(`metadata[${key}]`, 'Metadata values must be strings');
    if (key.length > 40) throw invalid(`metadata[${key}]`, 'Metadata keys can be at most 40 characters');
    if (value.length > 500) throw invalid(`metadata[${key}]`, 'Metadata values can be at most 500 characters');
    out[key] = value;
  }
  return out;
}

function checkUrl(param: string, value: string) {
  try {
    const url = new URL(value.replace('{CHECKOUT_SESSION_ID}', 'x'));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw invalid(param, `Not a valid URL`);
  }
}

function matchesActive(obj: Obj, params: FormObject): boolean {
  if (params.active === undefined) return true;
  return String(obj.active) === params.active;
}

function subscriptionMatches(sub: Obj, params: FormObject): boolean {
  if (params.customer && sub.customer !== params.customer) return false;
  if (params.price && !(sub.items as { data: Obj[] }).data.some((item) => (item.price as Obj).id === params.price)) return false;
  const status = params.status ?? null;
  if (status === 'all') return true;
  if (status) return sub.status === status;
  return sub.status !== 'canceled' && sub.status !== 'incomplete_expired';
}

function subscriptionOf(invoice: Obj): string | null {
  const parent = invoice.parent as { subscription_details?: { subscription?: string } } | null;
  return parent?.subscription_details?.subscription ?? null;
}

function invoiceMatches(invoice: Obj, params: FormObject): boolean {
  if (params.customer && invoice.customer !== params.customer) return false;
  if (params.subscription && subscriptionOf(invoice) !== params.subscription) return false;
  if (params.status && invoice.status !== params.status) return false;
  return true;
}

/** Stripe's list envelope, newest first, with limit and starting_after. */
function list(map: Map<string, Obj>, params: FormObject, url: string, filter: (obj: Obj) => boolean) {
  const limitRaw = params.limit === undefined ? '10' : String(params.limit);
  const limit = Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('limit', 'This value must be greater than or equal to 1 and less than or equal to 100.');
  let all = [...map.values()].filter(filter).reverse();
  const after = params.starting_after ? String(params.starting_after) : null;
  if (after) {
    const index = all.findIndex((obj) => obj.id === after);
    if (index < 0) throw noSuch('object', after, 'starting_after');
    all = all.slice(index + 1);
  }
  return { object: 'list', url, has_more: all.length > limit, data: all.slice(0, limit).map(publicView) };
}

/** Drops the stand-in's private bookkeeping fields (prefixed _). */
function publicView(obj: Obj): Obj {
  return Object.fromEntries(Object.entries(obj).filter(([key]) => !key.startsWith('_'))) as Obj;
}

function periodEnd(start: number, price: Obj): number {
  const recurring = price.recurring as { interval: string; interval_count: number } | null;
  const date = new Date(start * 1000);
  const count = recurring?.interval_count ?? 1;
  switch (recurring?.interval) {
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + count);
      break;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7 * count);
      break;
    case 'day':
      date.setUTCDate(date.getUTCDate() + count);
      break;
    default:
      date.setUTCMonth(date.getUTCMonth() + count);
  }
  return Math.floor(date.getTime() / 1000);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendHtml(res: ServerResponse, status: number, html: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html.startsWith('<!doctype') ? html : `<!doctype html><meta charset="utf-8"><title>Stripe stand-in</title>${html}`);
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(303, { location });
  res.end();
}
