import 'server-only';
import { sign, type KeyObject } from 'node:crypto';

/** Compact JWS (RFC 7515) with Ed25519 (`alg: EdDSA`, RFC 8037). */

export interface JwsHeader {
  alg: 'EdDSA';
  kid: string;
  typ: string;
}

export const LICENSE_TYPE = 'JWT';
export const REVOCATION_LIST_TYPE = 'revocation-list+jwt';

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Signs `payloadJson` exactly as given (the caller fixes key order, so the
 * same claims always give the same token: Ed25519 is deterministic).
 */
export function signCompact(header: JwsHeader, payloadJson: string, privateKey: KeyObject): string {
  const signingInput = `${b64(JSON.stringify({ alg: header.alg, kid: header.kid, typ: header.typ }))}.${b64(payloadJson)}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

/** Reads a compact JWS without verifying it (for display and for finding the kid). */
export function decodeCompact(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as unknown;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as unknown;
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return null;
    return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
  } catch {
    return null;
  }
}
