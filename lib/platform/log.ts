import pino from 'pino';
import { env } from '@/lib/platform/config/env';

/**
 * Structured JSON logs. Secrets are redacted by path wherever they might
 * appear; never log a raw request or credential object on purpose either.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'cookie',
  'upstreamPassword',
  '*.upstreamPassword',
  'license',
  '*.license',
  'privateKey',
  '*.privateKey',
  'secretEnc',
  '*.secretEnc',
  'signature',
  '*.signature',
  'headers["x-portcullis-signature"]',
  '*.headers["x-portcullis-signature"]',
  'headers["stripe-signature"]',
  '*.headers["stripe-signature"]',
];

/**
 * Prefixes of the secrets Portcullis issues or holds, as `<prefix>_<secret>`:
 * registry tokens (pcr), invitation links (pci), API keys and reset links
 * (pck, pcs), SIEM secrets, Stripe keys and webhook secrets. A new kind of
 * secret gets a prefix and is added here.
 */
export const SECRET_PREFIXES = ['pcr', 'pci', 'pck', 'pcs', 'siem', 'whsec', 'sk_live', 'sk_test', 'rk_live', 'rk_test'];

// Secrets that end up inside strings (error messages, URLs, paths, header text) rather than under a known key.
const SECRET_PATTERNS: [RegExp, string][] = [
  [new RegExp(`\\b(${SECRET_PREFIXES.join('|')})_[A-Za-z0-9_-]{8,}`, 'g'), '$1_[redacted]'],
  // Session, CSRF and SSO-flow cookies, wherever a cookie header's text lands.
  [/\b((?:__(?:Secure|Host)-)?(?:authjs|next-auth)\.[\w.-]+|portcullis\.[\w.-]+)=[^;,\s]+/g, '$1=[redacted]'],
  // JWTs and JWEs: session cookies, id_tokens, license keys.
  [/\beyJ[\w-]{5,}(?:\.[\w-]*){1,4}/g, '[redacted-jwt]'],
  // Credentials carried in a query string: OAuth codes and state, SAML messages, signatures, tickets.
  [/([?&](?:token|code|state|ticket|sig|signature|secret|password|key|access_token|id_token|refresh_token|client_secret|SAMLResponse|SAMLRequest|RelayState)=)[^&#\s"']+/gi, '$1[redacted]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/(\w+:\/\/[^:/?#\s]+:)[^@/?#\s]+@/g, '$1[redacted]@'],
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, '[redacted private key]'],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

function scrubValues(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: scrubSecrets(value.message), stack: value.stack && scrubSecrets(value.stack) };
  if (Array.isArray(value)) return value.map((item) => scrubValues(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValues(item, depth + 1)]));
}

/** The logger's options; `createLogger(stream)` lets tests read exactly what production would write. */
export function createLogger(destination?: pino.DestinationStream) {
  const options: pino.LoggerOptions = {
    level: env('LOG_LEVEL') ?? (env('NODE_ENV') === 'test' ? 'silent' : 'info'),
    base: { service: 'portcullis' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (object) => scrubValues(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export const log = createLogger();
