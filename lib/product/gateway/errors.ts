import 'server-only';
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

/**
 * What clients print. docker and podman print `<code>: <message>`, but show a
 * bare `denied` (or `unauthorized`) when the message is distribution's default
 * text for its code, so no message here may equal one of those, none repeats
 * the code as a prefix, and each names the customer-level cause.
 */
export const MESSAGES = {
  authRequired: 'authentication required: docker login with your customer name and registry token',
  badCredentials: 'incorrect username or registry token (the username is your customer name)',
  revoked: 'this registry token has been revoked; ask your vendor for a new one',
  expired: 'this registry token has expired; ask your vendor for a new one',
  inactive: 'this customer account is not active; contact your vendor',
  unsupported: 'this registry is pull-only: push and delete are not supported',
  tooMany: 'too many failed authentication attempts; try again later',
  databaseDown: 'the registry is temporarily unavailable; try again shortly',
  upstreamDown: 'the upstream registry is unreachable; try again shortly',
} as const;

/** A repository the token may not read: granted but outside this token's scope, or not granted at all (unregistered names read the same, so names cannot be probed). */
export function deniedMessage(repository: string, customer: string, granted: boolean): string {
  return granted
    ? `${repository} is not in this registry token's scope; use a token that includes it, or ask your vendor for one`
    : `${customer} may not pull ${repository}; ask your vendor to add it to your subscription`;
}
