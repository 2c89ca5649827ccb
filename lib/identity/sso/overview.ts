import 'server-only';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma, type Prisma } from '@/lib/platform/db/client';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';

/**
 * Staff view of SSO across customers: orgs with any SSO setup (or matching
 * the search), pending domain approvals first.
 */
export async function ssoOverview(actor: Actor, options: { query?: string } = {}) {
  assertStaffPermission(actor, 'customers.view');
  const q = options.query?.trim();
  const where: Prisma.OrganizationWhereInput = q
    ? { OR: [{ slug: { contains: q.toLowerCase() } }, { name: { contains: q, mode: 'insensitive' } }, { domains: { some: { domain: { contains: q.toLowerCase() } } } }] }
    : { OR: [{ ssoConnections: { some: {} } }, { domains: { some: {} } }] };
  const orgs = await prisma.organization.findMany({
    where,
    take: 200,
    orderBy: { name: 'asc' },
    select: {
      id: true,
      slug: true,
      name: true,
      ssoRequired: true,
      ssoConnections: { select: { protocol: true } },
      domains: { select: { domain: true, verifiedAt: true }, orderBy: { domain: 'asc' } },
    },
  });
  return orgs
    .map((org) => ({
      id: org.id,
      slug: org.slug,
      name: org.name,
      ssoRequired: org.ssoRequired,
      saml: org.ssoConnections.filter((c) => c.protocol === 'saml').length,
      oidc: org.ssoConnections.filter((c) => c.protocol === 'oidc').length,
      verified: org.domains.filter((d) => d.verifiedAt).map((d) => d.domain),
      pending: org.domains.filter((d) => !d.verifiedAt).map((d) => d.domain),
    }))
    .sort((a, b) => Number(b.pending.length > 0) - Number(a.pending.length > 0));
}
