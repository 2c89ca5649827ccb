import { z } from 'zod';

/**
 * Every environment variable the product reads, each with its schema and a
 * one-line description (README, "Environment variables", lists the same
 * names: env.test.ts compares them). Product code reads them only through
 * `env(NAME)` (eslint refuses `process.env` in lib/, app/ and components/).
 *
 * - Values are read when `env()` is called, never at import: tests change
 *   process.env between cases, and `next build` runs without the runtime's
 *   variables.
 * - A parsed value is remembered with the raw string it came from, so a
 *   repeated read (the gateway reads some per request) costs a lookup and a
 *   string compare.
 * - A bad value throws an EnvError naming the variable and what it must be,
 *   where it is read. An unset or empty variable is its default (or undefined).
 *   The switches that relax a security check are the exception: anything but
 *   `true` leaves the check on, as before.
 *
 * No `server-only`: the Playwright process loads modules that read it
 * (lib/platform/db, lib/platform/log.ts, lib/identity/sso/jackson.ts).
 */

export type EnvSource = Readonly<Record<string, string | undefined>>;

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'EnvError';
  }
}

/** What a raw value becomes: an unset or empty variable arrives as undefined. */
type Schema<T> = z.ZodType<T, string | undefined>;

const unset = (raw: string | undefined): raw is undefined | '' => raw === undefined || raw === '';

/** The schemas below report what a value must be ("must be …"); env() adds the name and the value. */
function parsed<T>(expected: string, parse: (raw: string) => T | undefined): (raw: string, ctx: z.RefinementCtx) => T {
  return (raw, ctx) => {
    const value = parse(raw);
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be ${expected}` });
      return z.NEVER;
    }
    return value;
  };
}

const raw = z.string().optional();

function text(): Schema<string | undefined>;
function text(fallback: string): Schema<string>;
function text(fallback?: string): Schema<string | undefined> {
  return raw.transform((value) => (unset(value) ? fallback : value));
}

/** A whole number within [min, max]. */
function whole(options: { min: number; max?: number; expected?: string }): Schema<number | undefined>;
function whole(options: { min: number; max?: number; expected?: string }, fallback: number): Schema<number>;
function whole(options: { min: number; max?: number; expected?: string }, fallback?: number): Schema<number | undefined> {
  const { min, max } = options;
  const expected = options.expected ?? (max === undefined ? `a whole number of at least ${min}` : `a whole number between ${min} and ${max}`);
  const check = parsed(expected, (value) => {
    const n = Number(value.trim());
    return value.trim() !== '' && Number.isInteger(n) && n >= min && (max === undefined || n <= max) ? n : undefined;
  });
  return raw.transform((value, ctx) => (unset(value) ? fallback : check(value, ctx)));
}

/** Any number (fractions allowed) within the bounds; `above` excludes its bound. */
function decimal(options: { expected: string; min?: number; above?: number; max?: number }, fallback: number): Schema<number> {
  const check = parsed(options.expected, (value) => {
    const n = Number(value.trim());
    const ok =
      value.trim() !== '' &&
      Number.isFinite(n) &&
      (options.min === undefined || n >= options.min) &&
      (options.above === undefined || n > options.above) &&
      (options.max === undefined || n <= options.max);
    return ok ? n : undefined;
  });
  return raw.transform((value, ctx) => (unset(value) ? fallback : check(value, ctx)));
}

/** `true` or `false`, nothing else (a typo must not silently mean either). */
function flag(fallback: boolean): Schema<boolean> {
  const check = parsed('true or false', (value) => (value === 'true' ? true : value === 'false' ? false : undefined));
  return raw.transform((value, ctx) => (unset(value) ? fallback : check(value, ctx)));
}

/**
 * A switch that relaxes a security check: only the exact `true` turns it on, anything else leaves the
 * check in force (fails closed, without an error, as these switches always have).
 */
function relaxation(): Schema<boolean> {
  return raw.transform((value) => value === 'true');
}

function oneOf<const T extends string>(values: readonly T[], expected: string): Schema<T | undefined> {
  const check = parsed(expected, (value) => values.find((v) => v === value));
  return raw.transform((value, ctx) => (unset(value) ? undefined : check(value, ctx)));
}

function httpUrl(): Schema<string | undefined> {
  const check = parsed('an http:// or https:// URL', (value) => {
    if (!URL.canParse(value)) return undefined;
    return ['http:', 'https:'].includes(new URL(value).protocol) ? value : undefined;
  });
  return raw.transform((value, ctx) => (unset(value) ? undefined : check(value, ctx)));
}

/** TRUST_PROXY as a hop count: unset, `false` or `0` is none; `true` is one; a whole number is that many. */
function trustProxy(): Schema<number> {
  const check = parsed('false, true or the number of proxies in front of Portcullis', (value) => {
    const t = value.trim().toLowerCase();
    if (t === '' || t === 'false' || t === '0') return 0;
    if (t === 'true') return 1;
    return /^\d{1,2}$/.test(t) ? Number(t) : undefined;
  });
  return raw.transform((value, ctx) => (unset(value) ? 0 : check(value, ctx)));
}

interface Variable<T> {
  schema: Schema<T>;
  description: string;
}

const variable = <T>(schema: Schema<T>, description: string): Variable<T> => ({ schema, description });

const VARIABLES = {
  // Process, database
  NODE_ENV: variable(text(), 'development, production or test; set by npm scripts (production turns on the production checks)'),
  DATABASE_URL: variable(text(), 'PostgreSQL connection string; unset: the embedded database'),
  SHADOW_DATABASE_URL: variable(text(), 'shadow database for `prisma migrate dev` (read by prisma.config.ts)'),
  DATABASE_POOL_SIZE: variable(whole({ min: 1 }, 10), 'connections per process'),
  GATEWAY_DB_POOL_SIZE: variable(whole({ min: 1 }, 5), "the registry gateway's own connections"),
  DATABASE_QUERY_TIMEOUT_MS: variable(whole({ min: 0, expected: 'a whole number of milliseconds, 0 or more' }, 5_000), 'statement timeout on every pool; 0 = off'),
  MIGRATE_ON_START: variable(flag(false), 'apply pending migrations at start-up (read by scripts/server.ts)'),
  PORTCULLIS_DATA_DIR: variable(text('.data/pglite'), 'where the embedded database lives (generated secrets go next to it)'),
  PORTCULLIS_DEMO: variable(oneOf(['1'], '1 or unset'), '1 in `npm run demo`: generated secrets, the demo IdP'),
  USER: variable(text(), 'the operating-system user, when os.userInfo() cannot tell (CLI audit labels)'),
  // Secrets
  AUTH_SECRET: variable(text(), 'signs session cookies'),
  TOKEN_HASH_SECRET: variable(text(), 'HMAC key for stored registry tokens and invitation links'),
  ENCRYPTION_KEY: variable(text(), '32 bytes, base64: the AES-256-GCM key of sealed columns'),
  // HTTP
  PORT: variable(whole({ min: 0, max: 65535 }, 3000), 'where the server listens (0 = any free port)'),
  HOSTNAME: variable(text(), 'the address the server listens on (localhost counts as unset: 0.0.0.0)'),
  PUBLIC_URL: variable(httpUrl(), "the portal's external URL"),
  AUTH_URL: variable(httpUrl(), 'older name of PUBLIC_URL, used when PUBLIC_URL is unset'),
  REGISTRY_HOST: variable(text(), 'the host[:port] customers docker login to, if not the portal\'s'),
  TRUST_PROXY: variable(trustProxy(), 'how many proxies in front to trust for the client address'),
  REQUEST_TIMEOUT_MS: variable(whole({ min: 0, expected: 'a whole number of milliseconds, 0 or more' }, 10_000), 'time a request has to start answering; 0 = off'),
  LOG_LEVEL: variable(oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'one of trace, debug, info, warn, error, fatal, silent'), 'log level (default info; silent in tests)'),
  METRICS_TOKEN: variable(text(), 'bearer token for /api/metrics; unset: 404'),
  OUTBOUND_ALLOW_PRIVATE_URLS: variable(relaxation(), 'exactly true: requests to typed URLs may reach private addresses (labs and tests)'),
  SIEM_ALLOW_PRIVATE_URLS: variable(relaxation(), 'older name of OUTBOUND_ALLOW_PRIVATE_URLS'),
  // Sign-in, sessions
  SIGN_IN_MAX_FAILURES_PER_EMAIL: variable(whole({ min: 1 }, 5), 'password checks per 15 minutes for one account from one address'),
  SIGN_IN_MAX_FAILURES_PER_IP: variable(whole({ min: 1 }, 30), 'password checks per 15 minutes from one address'),
  SIGN_IN_ACCOUNT_FAILURES_BEFORE_DELAY: variable(whole({ min: 1 }, 10), 'checks per day on one account from new addresses before it is slowed'),
  SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS: variable(whole({ min: 1 }, 300), 'the longest wait between two slowed checks'),
  SESSION_MAX_AGE_HOURS: variable(decimal({ expected: 'a number of hours between 0 and 720', above: 0, max: 720 }, 12), 'how long a sign-in lasts'),
  PASSWORD_RESET_LINK_MINUTES: variable(whole({ min: 5, max: 1440, expected: 'a whole number of minutes from 5 to 1440' }, 30), 'how long a password-reset link works'),
  // SSO
  SSO_SP_ENTITY_ID: variable(text(), 'the SAML SP entity ID; default $PUBLIC_URL/api/sso/saml/metadata'),
  SSO_DNS_SERVERS: variable(
    raw.transform((value) => {
      const servers = value?.split(',').map((s) => s.trim()).filter(Boolean);
      return servers?.length ? servers : undefined;
    }),
    'comma-separated host[:port] resolvers for domain verification',
  ),
  SSO_ALLOW_HTTP_URLS: variable(relaxation(), 'exactly true: http:// IdP URLs are allowed in production'),
  STAFF_SSO_SAML_METADATA_URL: variable(text(), "staff SSO: the SAML IdP's metadata URL"),
  STAFF_SSO_SAML_METADATA_FILE: variable(text(), "staff SSO: a file holding the SAML IdP's metadata"),
  STAFF_SSO_OIDC_DISCOVERY_URL: variable(text(), "staff SSO: the OIDC provider's discovery URL"),
  STAFF_SSO_OIDC_CLIENT_ID: variable(text(), 'staff SSO: the OIDC client id'),
  STAFF_SSO_OIDC_CLIENT_SECRET: variable(text(), 'staff SSO: the OIDC client secret'),
  STAFF_SSO_NAME: variable(text(), 'the name the staff connection is shown under (default Company SSO)'),
  // Gateway
  GATEWAY_PORT: variable(whole({ min: 0, max: 65535 }, 5000), 'where `npm run gateway` listens (read by scripts/gateway.ts)'),
  GATEWAY_HOSTNAME: variable(text('0.0.0.0'), 'the address `npm run gateway` listens on (read by scripts/gateway.ts)'),
  REGISTRY_MAX_FAILURES_PER_IP: variable(whole({ min: 1 }, 30), 'failed registry logins per client address within the window'),
  REGISTRY_MAX_FAILURES_PER_USER: variable(whole({ min: 1 }, 20), 'failed registry logins per username within the window'),
  REGISTRY_FAILURE_WINDOW_SECONDS: variable(whole({ min: 1 }, 300), 'the window of the two above'),
  PULL_EVENTS_FLUSH_MS: variable(whole({ min: 1 }), 'how often the gateway writes buffered pull events (default 1000)'),
  GATEWAY_QUOTA_TTL_MS: variable(whole({ min: 1 }, 10_000), "how long a gateway trusts a customer's pull count"),
  GATEWAY_PULL_QUOTA: variable(oneOf(['on', 'off'], 'on or off'), 'off: the gateway does not refuse pulls past the quota'),
  LICENSE_ENV_VAR: variable(
    raw.transform((value, ctx) =>
      unset(value) ? 'PRODUCT_LICENSE' : parsed('an environment variable name (A-Z, 0-9, _)', (v) => (/^[A-Z_][A-Z0-9_]*$/.test(v) ? v : undefined))(value, ctx),
    ),
    "the variable the vendor's product reads its license from",
  ),
  // Mail
  MAIL_TRANSPORT: variable(oneOf(['smtp', 'console'], '"smtp" or "console"'), 'where mail goes (default smtp with SMTP_URL, else console)'),
  SMTP_URL: variable(text(), 'smtp:// or smtps:// URL of the mail server'),
  MAIL_FROM: variable(text(), 'sender of outgoing mail'),
  // Billing
  STRIPE_SECRET_KEY: variable(text(), 'Stripe API key; unset: billing not configured'),
  STRIPE_WEBHOOK_SECRET: variable(text(), "signing secret of Stripe's webhook endpoint"),
  STRIPE_API_BASE: variable(text(), 'another Stripe-compatible API (the local stand-in)'),
  STRIPE_STAND_IN: variable(oneOf(['1'], '1 or unset'), '1 when STRIPE_API_BASE is the bundled stand-in (set by `npm run demo`)'),
  STRIPE_STAND_IN_PORT: variable(whole({ min: 0, max: 65535 }), "the demo's Stripe stand-in port (read by dev/stripe-stand-in)"),
  STRIPE_PRICE_TEAM_MONTHLY: variable(text(), 'Stripe price id: Team, monthly'),
  STRIPE_PRICE_TEAM_YEARLY: variable(text(), 'Stripe price id: Team, yearly'),
  STRIPE_PRICE_ENTERPRISE_MONTHLY: variable(text(), 'Stripe price id: Enterprise, monthly'),
  STRIPE_PRICE_ENTERPRISE_YEARLY: variable(text(), 'Stripe price id: Enterprise, yearly'),
  SALES_URL: variable(text(), 'where "Contact sales" goes'),
  BILLING_PAST_DUE_GRACE_DAYS: variable(decimal({ expected: 'a non-negative number of days', min: 0 }, 7), 'how long past_due keeps the paid tier'),
  BILLING_GRACE_SWEEP: variable(flag(true), 'run the in-process grace sweep'),
  // Audit, SIEM
  AUDIT_ARCHIVE_DIR: variable(text('.data/audit-archive'), 'where retention writes its archives'),
  AUDIT_RETENTION_INTERVAL_HOURS: variable(decimal({ expected: 'a number of hours, 0 or more', min: 0 }, 24), 'how often each replica tries the retention run; 0 = off'),
  SIEM_WORKER: variable(flag(true), 'deliver SIEM events from this process'),
  SIEM_POLL_INTERVAL_MS: variable(whole({ min: 1 }, 5_000), 'how often the SIEM worker looks for new events'),
  // Tracing (the OpenTelemetry SDK reads the other OTEL_* variables itself)
  OTEL_SDK_DISABLED: variable(text(), 'true turns tracing off whatever else is set'),
  OTEL_TRACES_EXPORTER: variable(text(), 'otlp, console or none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: variable(text(), 'the OTLP collector; setting it turns tracing on'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: variable(text(), 'the OTLP collector for traces only'),
  OTEL_SERVICE_NAME: variable(text('portcullis'), 'the service name on spans'),
} satisfies Record<string, Variable<unknown>>;

export type EnvName = keyof typeof VARIABLES;
export type EnvValue<K extends EnvName> = z.output<(typeof VARIABLES)[K]['schema']>;

/** Every declared variable and its description (README lists the same). */
export const ENV_VARIABLES: Readonly<Record<EnvName, string>> = Object.fromEntries(
  Object.entries(VARIABLES).map(([name, v]) => [name, v.description]),
) as Record<EnvName, string>;

function parse<K extends EnvName>(name: K, value: string | undefined): EnvValue<K> {
  const result = VARIABLES[name].schema.safeParse(value);
  if (result.success) return result.data as EnvValue<K>;
  const message = result.error.issues[0]?.message ?? 'is not valid';
  // The value is echoed to help, except where it may hold a credential (a secret, a key, a URL with a password): errors reach logs.
  const shown = /SECRET|PASSWORD|KEY|TOKEN|URL/.test(name) ? '' : ` (got "${value}")`;
  throw new EnvError(name, `${name} ${message.startsWith('must be') ? message : `must be valid: ${message}`}${shown}`);
}

const cache = new Map<string, { raw: string | undefined; value: unknown }>();

/**
 * The typed value of `name`, read now from process.env (or from `source`,
 * for tests and callers that pass their own record). Throws an EnvError on a
 * bad value.
 */
export function env<K extends EnvName>(name: K, source?: EnvSource): EnvValue<K> {
  if (source) return parse(name, source[name]);
  const value = process.env[name];
  const hit = cache.get(name);
  if (hit && hit.raw === value) return hit.value as EnvValue<K>;
  const result = parse(name, value);
  cache.set(name, { raw: value, value: result });
  return result;
}

/**
 * A variable whose name is chosen at run time (the CLI's `--password-env VAR`),
 * raw: it is not one of the product's settings, so it has no schema.
 */
export function namedVariable(name: string): string | undefined {
  return process.env[name];
}
