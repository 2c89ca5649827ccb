/**
 * Where users reach this installation. PUBLIC_URL is the portal's external
 * URL (https://portal.vendor.com); the registry host customers `docker login`
 * to is the same origin unless REGISTRY_HOST says otherwise.
 */
export function publicUrl(): string {
  const configured = process.env.PUBLIC_URL ?? process.env.AUTH_URL;
  if (configured) return configured.replace(/\/+$/, '');
  return `http://localhost:${process.env.PORT ?? 3000}`;
}

/** host[:port] as used in `docker login <host>` and image references. */
export function registryHost(): string {
  if (process.env.REGISTRY_HOST) return process.env.REGISTRY_HOST;
  return new URL(publicUrl()).host;
}
