import { createHmac } from 'node:crypto';
import type { SAMLJackson } from '@boxyhq/saml-jackson';
import { secret } from '@/lib/config/secrets';
import { publicUrl } from '@/lib/config/public-url';
import { log } from '@/lib/log';
import { JacksonPostgresStore } from './jackson-store';

/** Every connection Portcullis creates lives under this Jackson product; the tenant is the org id. */
export const JACKSON_PRODUCT = 'portcullis';

export const SSO_PATHS = {
  acs: '/api/sso/saml/acs',
  oidcCallback: '/api/sso/oidc/callback',
  metadata: '/api/sso/saml/metadata',
  callback: '/api/sso/callback',
} as const;

/** Authorization codes, IdP sessions and tokens live this long in Jackson's store. */
const FLOW_TTL_SECONDS = 10 * 60;

export function spEntityId(): string {
  return process.env.SSO_SP_ENTITY_ID ?? `${publicUrl()}${SSO_PATHS.metadata}`;
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

type Instance = { jackson: SAMLJackson; store: JacksonPostgresStore; url: string; externalUrl: string };
const globalForJackson = globalThis as unknown as { __portcullisJackson?: Promise<Instance> };

async function create(): Promise<Instance> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const store = await JacksonPostgresStore.open(url);
  const { controllers } = await import('@boxyhq/saml-jackson');
  const externalUrl = publicUrl();
  const jackson = await controllers({
    externalUrl,
    samlPath: SSO_PATHS.acs,
    oidcPath: SSO_PATHS.oidcCallback,
    samlAudience: spEntityId(),
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
  return { jackson, store, url, externalUrl };
}

/**
 * The embedded Jackson, created on first use and shared by every route and
 * action in the process. Recreated when the database or public URL changes
 * (tests switch between databases).
 */
export async function getJackson(): Promise<SAMLJackson> {
  const cached = globalForJackson.__portcullisJackson;
  if (cached) {
    const instance = await cached.catch(() => null);
    if (instance && instance.url === process.env.DATABASE_URL && instance.externalUrl === publicUrl()) return instance.jackson;
    if (instance) await closeJackson();
  }
  const pending = create();
  globalForJackson.__portcullisJackson = pending;
  pending.catch(() => {
    if (globalForJackson.__portcullisJackson === pending) globalForJackson.__portcullisJackson = undefined;
  });
  return (await pending).jackson;
}

export async function getJacksonStore(): Promise<JacksonPostgresStore> {
  await getJackson();
  return (await globalForJackson.__portcullisJackson!).store;
}

export async function closeJackson(): Promise<void> {
  const cached = globalForJackson.__portcullisJackson;
  globalForJackson.__portcullisJackson = undefined;
  const instance = await cached?.catch(() => null);
  if (instance) {
    await instance.jackson.close();
  }
}
