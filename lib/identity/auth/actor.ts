import 'server-only';
import os from 'node:os';
import type { StaffRole } from '@/lib/identity/rbac/permissions';
import type { MfaSessionFacts } from './mfa-policy';
import { env } from '@/lib/platform/config/env';

/**
 * Who is doing something, passed explicitly to every service. Pages and
 * actions build it from the session, the CLI from the OS user, webhooks and
 * jobs name themselves.
 */
export interface Actor {
  kind: 'user' | 'cli' | 'system';
  userId: string | null;
  /** Shown in the audit log: an email, `cli:<os user>`, `system:<name>`. */
  label: string;
  staffRole: StaffRole | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  /** The session a signed-in user acts through (lib/identity/auth/sessions.ts), when acting from a browser. */
  sessionId?: string | null;
  /**
   * How that session started and whether its person has MFA, for the second-factor rules
   * (lib/identity/auth/mfa-policy.ts) that lib/identity/rbac/authorize.ts applies. Set for every browser
   * actor (actorFor); the CLI and system actors have none and are not subject to them.
   */
  session?: MfaSessionFacts;
}

/** Whoever runs the CLI has the database credentials, so they act as staff-admin. */
export function cliActor(osUser = safeUsername()): Actor {
  return { kind: 'cli', userId: null, label: `cli:${osUser}`, staffRole: 'staff-admin' };
}

/** Trusted internal callers (Stripe webhooks, scheduled jobs, the gateway). */
export function systemActor(name: string): Actor {
  return { kind: 'system', userId: null, label: `system:${name}`, staffRole: 'staff-admin' };
}

function safeUsername(): string {
  try {
    return os.userInfo().username;
  } catch {
    return env('USER') ?? 'unknown';
  }
}
