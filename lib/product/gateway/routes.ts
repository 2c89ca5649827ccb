import 'server-only';
/**
 * The pull side of the OCI distribution API, as paths. Repository names
 * follow the spec's grammar (lowercase path components separated by `/`),
 * references are tags or digests.
 */
export type GatewayRoute =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'tags'; name: string }
  | { kind: 'upload'; name: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unknown' };

export const NAME_PATTERN = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

export function isDigest(reference: string): boolean {
  return DIGEST_PATTERN.test(reference);
}

/** Whether a request URL (path and query) belongs to the gateway rather than the portal. */
export function isGatewayPath(url: string | undefined): boolean {
  return url === '/v2' || !!url?.startsWith('/v2/') || !!url?.startsWith('/v2?');
}

export function parseGatewayPath(pathname: string): GatewayRoute {
  if (pathname === '/v2' || pathname === '/v2/') return { kind: 'base' };
  if (!pathname.startsWith('/v2/')) return { kind: 'unknown' };
  const rest = pathname.slice(4);
  if (rest === '_catalog') return { kind: 'catalog' };

  let match = /^(.+)\/manifests\/([^/]+)$/.exec(rest);
  if (match) {
    const [, name, reference] = match as unknown as [string, string, string];
    if (!NAME_PATTERN.test(name)) return { kind: 'invalid', reason: 'invalid repository name' };
    if (!TAG_PATTERN.test(reference) && !isDigest(reference)) return { kind: 'invalid', reason: 'invalid tag or digest' };
    return { kind: 'manifest', name, reference };
  }
  match = /^(.+)\/blobs\/uploads(?:\/.*)?$/.exec(rest);
  if (match) return { kind: 'upload', name: match[1]! };
  match = /^(.+)\/blobs\/([^/]+)$/.exec(rest);
  if (match) {
    const [, name, digest] = match as unknown as [string, string, string];
    if (!NAME_PATTERN.test(name)) return { kind: 'invalid', reason: 'invalid repository name' };
    if (!isDigest(digest)) return { kind: 'invalid', reason: 'invalid digest' };
    return { kind: 'blob', name, digest };
  }
  match = /^(.+)\/tags\/list$/.exec(rest);
  if (match) {
    if (!NAME_PATTERN.test(match[1]!)) return { kind: 'invalid', reason: 'invalid repository name' };
    return { kind: 'tags', name: match[1]! };
  }
  return { kind: 'unknown' };
}
