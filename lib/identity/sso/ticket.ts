import 'server-only';
import { open, seal } from '@/lib/platform/crypto/secret-box';

/**
 * A short-lived sealed ticket from the callback route to the next-auth
 * `sso` provider, so the provider can only be reached through a completed
 * SSO flow (never by posting a user id to /api/auth/callback/sso).
 */
const TICKET_CONTEXT = 'sso-ticket';
export function issueTicket(userId: string, protocol: string): string {
  return seal(JSON.stringify({ userId, protocol, exp: Date.now() + 60_000 }), TICKET_CONTEXT);
}

export function redeemTicket(ticket: string): { userId: string; protocol: string } | null {
  try {
    const parsed = JSON.parse(open(ticket, TICKET_CONTEXT)) as { userId: string; protocol: string; exp: number };
    return parsed.exp > Date.now() ? { userId: parsed.userId, protocol: parsed.protocol } : null;
  } catch {
    return null;
  }
}
