import 'server-only';
import { signInWithPassword } from '@/lib/identity/auth/sign-in';
import { open, seal } from '@/lib/platform/crypto/secret-box';
import { prisma } from '@/lib/platform/db/client';
import { SsoError } from './errors';
import { provisionSsoUser, type SsoProfile } from './provision';

/**
 * Linking an IdP identity to an existing account. Provisioning refuses to
 * link silently to an account someone may already be using (a password,
 * another organization, the owner role: lib/identity/sso/provision.ts), since an
 * org admin's own IdP could otherwise assert the owner's address and be
 * signed in as them. Instead the SSO sign-in ends on /sign-in/sso/link
 * with this pending link in a sealed, short-lived cookie of that browser;
 * the account's holder confirms it by signing in the old way (their
 * password, through the sign-in limiter), and only then is the identity
 * linked (audited `sso.identity_link`, confirmedBy: password) and the
 * SSO session started.
 */

export const LINK_COOKIE = 'portcullis.sso-link';
export const LINK_PATH = '/sign-in/sso/link';
export const LINK_TTL_SECONDS = 10 * 60;
const LINK_CONTEXT = 'sso-link';

export interface PendingLink {
  userId: string;
  email: string;
  connectionId: string;
  profile: SsoProfile;
  next: string;
}

export function sealPendingLink(link: PendingLink): string {
  return seal(JSON.stringify({ ...link, exp: Date.now() + LINK_TTL_SECONDS * 1000 }), LINK_CONTEXT);
}

export function openPendingLink(sealed: string | null | undefined): PendingLink | null {
  if (!sealed) return null;
  try {
    const { exp, ...link } = JSON.parse(open(sealed, LINK_CONTEXT)) as PendingLink & { exp: number };
    return exp > Date.now() ? link : null;
  } catch {
    return null;
  }
}

/** What the link page shows: who the IdP says you are, and which org's IdP says so. */
export async function pendingLinkView(sealed: string | null | undefined) {
  const link = openPendingLink(sealed);
  if (!link) return null;
  const connection = await prisma.ssoConnection.findUnique({ where: { id: link.connectionId }, include: { org: { select: { name: true } } } });
  if (!connection) return null;
  return { email: link.email, orgName: connection.org.name, connectionName: connection.name, protocol: connection.protocol };
}

export type LinkConfirmation = { ok: true; userId: string; next: string; protocol: 'saml' | 'oidc' } | { ok: false; reason: 'invalid' };

/**
 * The holder proves the account with its password (signInWithPassword: limits and audit as for any
 * password sign-in; an org that requires SSO answers sso_required only once the password is right),
 * then the identity is linked by provisioning, for exactly that account.
 */
export async function confirmSsoLink(input: { sealed: string | null | undefined; password: string; ip: string | null; userAgent: string | null }): Promise<LinkConfirmation> {
  const link = openPendingLink(input.sealed);
  if (!link) throw new SsoError('link_expired');
  const proof = await signInWithPassword({ email: link.email, password: input.password, ip: input.ip, userAgent: input.userAgent });
  if (!proof.ok && proof.reason !== 'sso_required') return { ok: false, reason: 'invalid' };
  if (proof.ok && proof.userId !== link.userId) return { ok: false, reason: 'invalid' };
  const connection = await prisma.ssoConnection.findUnique({ where: { id: link.connectionId }, include: { org: true } });
  if (!connection) throw new SsoError('unknown_connection');
  const protocol = connection.protocol === 'oidc' ? 'oidc' : 'saml';
  const provisioned = await provisionSsoUser({
    org: connection.org,
    provider: connection.jacksonClientId,
    protocol,
    profile: link.profile,
    ip: input.ip,
    userAgent: input.userAgent,
    confirmedUserId: link.userId,
  });
  return { ok: true, userId: provisioned.userId, next: link.next, protocol };
}
