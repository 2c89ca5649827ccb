import { createHmac } from 'node:crypto';
import type { SAMLJackson } from '@boxyhq/saml-jackson';
import { secret } from '@/lib/platform/config/secrets';
import { publicUrl } from '@/lib/platform/config/public-url';
import { log } from '@/lib/platform/log';
import { JacksonPostgresStore } from './jackson-store';
import { env } from '@/lib/platform/config/env';

/** Every connection Portcullis creates lives under this Jackson product; the tenant is the org id. */
export const JACKSON_PRODUCT = 'portcullis';
/** The vendor's own staff IdP (lib/identity/sso/staff) lives apart from every customer: its own tenant and product. */
export const STAFF_TENANT = '_staff';
export const STAFF_PRODUCT = 'portcullis-staff';

export const SSO_PATHS = {
  acs: '/api/sso/saml/acs',
  oidcCallback: '/api/sso/oidc/callback',
  metadata: '/api/sso/saml/metadata',
  callback: '/api/sso/callback',
} as const;

/** Authorization codes, IdP sessions and tokens live this long in Jackson's store. */
const FLOW_TTL_SECONDS = 10 * 60;

export function spEntityId(): string {
  return env('SSO_SP_ENTITY_ID') ?? `${publicUrl()}${SSO_PATHS.metadata}`;
}

export function acsUrl(): string {
  return `${publicUrl()}${SSO_PATHS.acs}`;
}

export function oidcRedirectUrl(): string {
  return `${publicUrl()}${SSO_PATHS.oidcCallback}`;
}

export function callbackUrl(): string {
  return `${publicUrl()}${SSO_PATHS.callback}`;
}

/** Derived keys, so one leaked derivative says nothing about ENCRYPTION_KEY or AUTH_SECRET. */
export function derivedSecret(purpose: string, from: 'ENCRYPTION_KEY' | 'AUTH_SECRET' = 'AUTH_SECRET'): string {
  return createHmac('sha256', secret(from)).update(`portcullis:${purpose}`).digest('base64');
}

type Instance = { jackson: SAMLJackson; store: JacksonPostgresStore };
// __jacksonDb is Jackson's own process-wide cache of its database wrapper (dist/db/db.js): every later
// controllers() call gets the first one's store, even a closed one or another database's.
const globalForJackson = globalThis as unknown as { __portcullisJackson?: Map<string, Promise<Instance>>; __jacksonDb?: unknown };

async function create(url: string, externalUrl: string, audience: string): Promise<Instance> {
  const store = await JacksonPostgresStore.open(url);
  const { controllers } = await import('@boxyhq/saml-jackson');
  // controllers() reads (and fills) that cache synchronously, before its first await: drop it in the same tick
  // so this instance wraps its own store.
  delete globalForJackson.__jacksonDb;
  const jackson = await controllers({
    externalUrl,
    samlPath: SSO_PATHS.acs,
    oidcPath: SSO_PATHS.oidcCallback,
    samlAudience: audience,
    idpEnabled: true, // IdP-initiated login
    noAnalytics: true,
    clientSecretVerifier: derivedSecret('jackson-client-secret'),
    db: { driver: store, encryptionKey: derivedSecret('jackson-store', 'ENCRYPTION_KEY'), ttl: FLOW_TTL_SECONDS, pageLimit: 100 },
    openid: { requestProfileScope: true },
    logger: {
      info: (msg: string) => log.debug({ component: 'jackson' }, msg),
      warn: (msg: string) => log.warn({ component: 'jackson' }, msg),
      error: (msg: string, err?: unknown) => log.warn({ component: 'jackson', err }, msg),
    },
  });
  return { jackson, store };
}

/**
 * The embedded Jackson for this process configuration (database, public
 * URL, SP entity ID), created on first use and shared by every route and
 * action. A configuration that changes (tests switch databases) gets an
 * instance of its own; the previous one stays open, since calls still in
 * flight use its pool. closeJackson() ends them all. (Jackson keeps its SP
 * certificate in module state, so instances of one process share the
 * newest one's: only tests ever run two.)
 */
async function instance(): Promise<Instance> {
  const url = env('DATABASE_URL');
  if (!url) throw new Error('DATABASE_URL is not set');
  const externalUrl = publicUrl();
  const audience = spEntityId();
  const key = JSON.stringify([url, externalUrl, audience]);
  const instances = (globalForJackson.__portcullisJackson ??= new Map());
  let pending = instances.get(key);
  if (!pending) {
    const created = create(url, externalUrl, audience);
    instances.set(key, created);
    created.catch(() => {
      if (instances.get(key) === created) instances.delete(key);
    });
    pending = created;
  }
  return pending;
}

export async function getJackson(): Promise<SAMLJackson> {
  return (await instance()).jackson;
}

export async function getJacksonStore(): Promise<JacksonPostgresStore> {
  return (await instance()).store;
}

/** Ends every instance (tests, shutdown): nothing may use Jackson afterwards. */
export async function closeJackson(): Promise<void> {
  const instances = globalForJackson.__portcullisJackson;
  if (!instances) return;
  const all = [...instances.values()];
  instances.clear();
  for (const pending of all) {
    const created = await pending.catch(() => null);
    if (created) await created.jackson.close();
  }
}
