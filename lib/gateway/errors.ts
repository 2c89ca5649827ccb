import type { ServerResponse } from 'node:http';

/**
 * Registry errors in the distribution spec's JSON shape. Clients show
 * `message` to users verbatim, so it says what happened and what to do.
 */
export type RegistryErrorCode =
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'NAME_UNKNOWN'
  | 'MANIFEST_UNKNOWN'
  | 'BLOB_UNKNOWN'
  | 'NAME_INVALID'
  | 'TOOMANYREQUESTS'
  | 'UNAVAILABLE'
  | 'UNKNOWN';

export const API_VERSION_HEADER = 'Docker-Distribution-API-Version';
export const API_VERSION = 'registry/2.0';

export function registryErrorBody(code: RegistryErrorCode, message: string, detail?: unknown): string {
  return JSON.stringify({ errors: [{ code, message, ...(detail === undefined ? {} : { detail }) }] });
}

export function sendRegistryError(
  res: ServerResponse,
  status: number,
  code: RegistryErrorCode,
  message: string,
  options: { headers?: Record<string, string>; head?: boolean } = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = registryErrorBody(code, message);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    [API_VERSION_HEADER]: API_VERSION,
    ...options.headers,
  });
  res.end(options.head ? undefined : body);
}

export const MESSAGES = {
  authRequired: 'authentication required: docker login with your customer name and registry token',
  badCredentials: 'unauthorized: incorrect username or token',
  revoked: 'unauthorized: this registry token has been revoked; ask your vendor for a new one',
  expired: 'unauthorized: this registry token has expired; ask your vendor for a new one',
  inactive: 'unauthorized: this customer account is not active; contact your vendor',
  denied: 'requested access to the resource is denied',
  unsupported: 'this registry is pull-only: push and delete are not supported',
  tooMany: 'too many failed authentication attempts; try again later',
  databaseDown: 'the registry is temporarily unavailable; try again shortly',
  upstreamDown: 'the upstream registry is unreachable; try again shortly',
} as const;
