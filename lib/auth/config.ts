import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { z } from 'zod';
import { isAppError, RateLimitedError } from '@/lib/errors';
import { log } from '@/lib/log';
import { safeRedirectPath } from '@/lib/net/safe-redirect';
import { redeemTicket } from '@/lib/sso/ticket';
import { clientIp } from './request';
import { loadSessionUser, type SessionUser } from './session-user';
import { signInWithPassword } from './sign-in';

declare module 'next-auth' {
  interface Session {
    user: SessionUser;
  }
}

class SignInRefused extends CredentialsSignin {
  constructor(code: string) {
    super();
    this.code = code;
  }
}

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: 'jwt', maxAge: 12 * 60 * 60 },
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
          if (!result.ok) throw new SignInRefused(result.reason);
          return { id: result.userId };
        } catch (error) {
          if (error instanceof SignInRefused) throw error;
          // The wait travels in the code: next-auth hands the action only the code.
          if (error instanceof RateLimitedError) throw new SignInRefused(`rate_limited:${error.retryAfterSeconds}`);
          if (!isAppError(error)) log.error({ err: error }, 'password sign-in failed');
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
      authorize(raw) {
        const redeemed = typeof raw?.ticket === 'string' ? redeemTicket(raw.ticket) : null;
        if (!redeemed) throw new SignInRefused('invalid');
        return { id: redeemed.userId, authMethod: redeemed.protocol };
      },
    }),
  ],
  callbacks: {
    // next-auth's own redirects (sign-out, errors) take the same rule as ours.
    redirect({ url }) {
      return safeRedirectPath(url);
    },
    jwt({ token, user, account }) {
      if (user?.id) {
        token.sub = user.id;
        token.authMethod = (user as { authMethod?: string }).authMethod ?? account?.provider ?? 'password';
      }
      return token;
    },
    async session({ session, token }) {
      const user = token.sub ? await loadSessionUser(token.sub, String(token.authMethod ?? 'password')) : null;
      // A deleted or disabled user keeps a cookie but gets no identity.
      return { ...session, user: user as SessionUser };
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
