import 'server-only';
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { cookies, headers } from 'next/headers';
import { z } from 'zod';
import { publicUrl } from '@/lib/platform/config/public-url';
import { prisma } from '@/lib/platform/db/client';
import { isAppError, RateLimitedError } from '@/lib/platform/errors';
import { log } from '@/lib/platform/log';
import { safeRedirectPath } from '@/lib/platform/net/safe-redirect';
import { isStaffRole } from '@/lib/identity/rbac/permissions';
import { redeemTicket } from '@/lib/identity/sso/ticket';
import { clientIp } from './request';
import { loadSession, SESSION_MAX_AGE_SECONDS, signOutSession, startSession } from './sessions';
import type { SessionUser } from './session-user';
import { completeMfaSignIn, MFA_TICKET_COOKIE } from './mfa';
import { SIGN_IN_LIMITS, signInWithPassword } from './sign-in';

declare module 'next-auth' {
  interface Session {
    user: SessionUser;
    /** Set when the session could not be read because the database did not answer. */
    unavailable?: boolean;
  }
}

class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

/** A signed-in user as next-auth hands it from `authorize` to the `jwt` callback. */
type SignedIn = { id: string; sessionId: string };

/** The SSO user proved who they are through their IdP (lib/identity/sso audits the sign-in): start their session. */
async function startSsoSession(userId: string, protocol: string, request: Request): Promise<SignedIn> {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, staffRole: true, disabledAt: true } });
    if (!user || user.disabledAt) throw new SignInRefused('invalid');
    const actor = {
      kind: 'user' as const,
      userId,
      label: user.email,
      staffRole: isStaffRole(user.staffRole) ? user.staffRole : null,
      ip: clientIp(request.headers),
      userAgent: request.headers.get('user-agent'),
    };
    const session = await startSession(tx, actor, { authMethod: protocol });
    return { id: userId, sessionId: session.id };
  });
}

/** The request's address for the sign-out event; next-auth's events run inside the action or route that signs out. */
async function requestInfo() {
  try {
    const requestHeaders = await headers();
    return { ip: clientIp(requestHeaders), userAgent: requestHeaders.get('user-agent'), requestId: requestHeaders.get('x-request-id') };
  } catch {
    return {};
  }
}

const mfaCredentialsSchema = z.object({ ticket: z.string().min(1).max(100), code: z.string().trim().min(1).max(64) });

/** The MFA ticket cookie: only the sign-in pages read it, never script. */
async function setMfaTicketCookie(ticket: string, expiresAt: Date) {
  (await cookies()).set(MFA_TICKET_COOKIE, ticket, {
    httpOnly: true,
    sameSite: 'lax',
    secure: publicUrl().startsWith('https://'),
    path: '/sign-in',
    expires: expiresAt,
  });
}

async function clearMfaTicketCookie() {
  try {
    (await cookies()).delete({ name: MFA_TICKET_COOKIE, path: '/sign-in' });
  } catch {
    // Outside a request that can set cookies: the ticket is spent anyway.
  }
}

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  // The JWT names a `sessions` row (lib/identity/auth/sessions.ts), which is what really decides: it can be ended at any time.
  session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: '/sign-in', error: '/sign-in' },
  providers: [
    Credentials({
      id: 'password',
      name: 'Email and password',
      credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new SignInRefused('invalid');
        try {
          const result = await signInWithPassword({
            ...parsed.data,
            ip: clientIp(request.headers),
            userAgent: request.headers.get('user-agent'),
          });
          if (result.ok === 'mfa') {
            // No session yet: the browser keeps the ticket (httpOnly) for /sign-in/mfa.
            await setMfaTicketCookie(result.ticket, result.expiresAt);
            throw new SignInRefused('mfa_required');
          }
          if (!result.ok) throw new SignInRefused(result.reason);
          return { id: result.userId, sessionId: result.sessionId } satisfies SignedIn;
        } catch (error) {
          if (error instanceof SignInRefused) throw error;
          // The wait travels in the code: next-auth hands the action only the code.
          if (error instanceof RateLimitedError) throw new SignInRefused(`rate_limited:${error.retryAfterSeconds}`);
          if (!isAppError(error)) log.error({ err: error }, 'password sign-in failed');
          throw new SignInRefused('error');
        }
      },
    }),
    // The second step of a password sign-in for an account with MFA (lib/identity/auth/mfa.ts).
    Credentials({
      id: 'mfa',
      name: 'Two-factor code',
      credentials: { ticket: {}, code: {} },
      async authorize(raw, request) {
        const parsed = mfaCredentialsSchema.safeParse(raw);
        if (!parsed.success) throw new SignInRefused('mfa_invalid');
        try {
          const result = await completeMfaSignIn(
            { ...parsed.data, ip: clientIp(request.headers), userAgent: request.headers.get('user-agent') },
            SIGN_IN_LIMITS,
          );
          if (!result.ok) throw new SignInRefused(result.reason === 'expired' ? 'mfa_expired' : `mfa_invalid:${result.attemptsLeft}`);
          await clearMfaTicketCookie();
          return { id: result.userId, sessionId: result.sessionId } satisfies SignedIn;
        } catch (error) {
          if (error instanceof SignInRefused) throw error;
          if (error instanceof RateLimitedError) throw new SignInRefused(`rate_limited:${error.retryAfterSeconds}`);
          if (!isAppError(error)) log.error({ err: error }, 'MFA sign-in failed');
          throw new SignInRefused('error');
        }
      },
    }),
    // SAML and OIDC through the embedded Jackson: /api/sso/callback completes the
    // flow and hands over a sealed, one-minute ticket naming the provisioned user.
    Credentials({
      id: 'sso',
      name: 'Single sign-on',
      credentials: { ticket: {} },
      async authorize(raw, request) {
        const redeemed = typeof raw?.ticket === 'string' ? redeemTicket(raw.ticket) : null;
        if (!redeemed) throw new SignInRefused('invalid');
        return startSsoSession(redeemed.userId, redeemed.protocol, request);
      },
    }),
  ],
  callbacks: {
    // next-auth's own redirects (sign-out, errors) take the same rule as ours.
    redirect({ url }) {
      return safeRedirectPath(url);
    },
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sid = (user as Partial<SignedIn>).sessionId;
      }
      return token;
    },
    async session({ session, token }) {
      // An ended or expired session, or a deleted or disabled user, keeps a cookie but gets no identity.
      // Cookies from before sessions were rows carry no id: they are signed out.
      let user: SessionUser | null;
      try {
        user = typeof token.sid === 'string' ? await loadSession(prisma, token.sid) : null;
      } catch (error) {
        // The database did not answer: that is an outage, not a sign-out (lib/identity/auth/session.ts turns it into an error).
        log.warn({ err: error }, 'session could not be loaded');
        return { ...session, user: null as unknown as SessionUser, unavailable: true };
      }
      return { ...session, user: (user && user.id === token.sub ? user : null) as SessionUser };
    },
  },
  events: {
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') await signOutSession(sid, await requestInfo());
    },
  },
  logger: {
    error(error) {
      if (error instanceof CredentialsSignin) return; // expected: wrong password, rate limited
      log.error({ err: error }, 'auth error');
    },
    warn(code) {
      log.warn({ code }, 'auth warning');
    },
  },
});
