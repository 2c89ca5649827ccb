import 'server-only';
import type { StaffRole } from '@/lib/identity/rbac/permissions';

export interface SessionMembership {
  orgId: string;
  orgSlug: string;
  orgName: string;
  role: string;
  customRoleId: string | null;
}

/**
 * What a signed-in session carries, read fresh on every request through the
 * session's row (`loadSession` in sessions.ts), so an ended session, a
 * disabled user or a changed role takes effect at once. The same shape
 * whatever signed the user in: `authMethod` (password, saml, oidc) is the
 * only difference.
 */
export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  staffRole: StaffRole | null;
  memberships: SessionMembership[];
  authMethod: string;
  /** The `sessions` row this browser is signed in through. */
  sessionId: string;
  /** Whether the person has confirmed a TOTP authenticator (lib/identity/auth/mfa.ts). */
  mfaEnrolled: boolean;
  /** The second factor checked for this session (totp, recovery_code), or null. */
  mfaMethod: string | null;
}
