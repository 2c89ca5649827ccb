import { env } from './env';

/**
 * Where users reach this installation. PUBLIC_URL is the portal's external
 * URL (https://portal.vendor.com); the registry host customers `docker login`
 * to is the same origin unless REGISTRY_HOST says otherwise.
 */
export function publicUrl(): string {
  const configured = env('PUBLIC_URL') ?? env('AUTH_URL');
  if (configured) return configured.replace(/\/+$/, '');
  return `http://localhost:${env('PORT')}`;
}

/** host[:port] as used in `docker login <host>` and image references. */
export function registryHost(): string {
  const host = env('REGISTRY_HOST');
  if (host) return host;
  return new URL(publicUrl()).host;
}
