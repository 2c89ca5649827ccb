import 'server-only';
import { prisma } from '@/lib/platform/db/client';
import { orgForEmail } from './domains';
import { portalFeatureActive } from '@/lib/plans/portal-gate';

/** Where "Sign in with SSO" sends an address: its org's connections (empty when the domain has no SSO). */
export async function ssoOptionsForEmail(email: string) {
  const org = await orgForEmail(email);
  if (!org || org.status === 'deactivated') return null;
  // Below the tier that includes SSO, connections are kept but inactive.
  if (!(await portalFeatureActive(prisma, org.id, 'sso'))) return null;
  const connections = await prisma.ssoConnection.findMany({
    where: { orgId: org.id },
    select: { id: true, name: true, protocol: true },
    orderBy: { createdAt: 'asc' },
  });
  if (connections.length === 0) return null;
  return { org: { name: org.name, slug: org.slug }, connections };
}

export function startPath(connectionId: string, options: { next?: string; loginHint?: string } = {}): string {
  const params = new URLSearchParams({ connection: connectionId });
  if (options.next) params.set('next', options.next);
  if (options.loginHint) params.set('login_hint', options.loginHint);
  return `/api/sso/start?${params}`;
}
