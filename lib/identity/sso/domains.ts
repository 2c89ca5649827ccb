import 'server-only';
import { Resolver } from 'node:dns/promises';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { generateSecret } from '@/lib/platform/crypto/keyed-hash';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '@/lib/platform/errors';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { MANAGE } from './connections';
import { domainSchema } from './schemas';
import { requirePortalFeature } from '@/lib/plans/portal-gate';
import { env } from '@/lib/platform/config/env';

/**
 * Email domains an organization claims. A domain counts only once verified,
 * by a DNS TXT record the org publishes or by a vendor staff member's
 * approval; then its addresses are routed to the org's IdP and, with
 * "SSO required", refused password sign-in.
 */

export const TXT_RECORD_PREFIX = '_portcullis-challenge';
export const TXT_VALUE_PREFIX = 'portcullis-domain-verification=';

export function txtRecordName(domain: string): string {
  return `${TXT_RECORD_PREFIX}.${domain}`;
}

export function txtRecordValue(token: string): string {
  return `${TXT_VALUE_PREFIX}${token}`;
}

/** SSO_DNS_SERVERS (comma-separated host[:port]) points lookups at specific resolvers. */
function resolver(): Resolver {
  const r = new Resolver({ timeout: 3_000, tries: 2 });
  const servers = env('SSO_DNS_SERVERS');
  if (servers) r.setServers(servers);
  return r;
}

export async function addDomain(actor: Actor, orgId: string, raw: { domain: string }) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE);
  await requirePortalFeature(prisma, access, 'sso');
  const { org } = access;
  const { domain } = domainSchema.parse(raw);
  return prisma.$transaction(async (tx) => {
    const existing = await tx.orgDomain.findUnique({ where: { domain } });
    if (existing) {
      throw new ConflictError(
        existing.orgId === org.id ? 'This domain is already listed.' : 'This domain is claimed by another organization. Contact support if it is yours.',
        'domain',
      );
    }
    const row = await tx.orgDomain.create({ data: { orgId: org.id, domain, verificationToken: generateSecret('', 18) } });
    await recordAudit(tx, actor, { action: 'sso.domain_add', target: { type: 'org_domain', id: row.id }, orgId: org.id, after: { domain } });
    return row;
  });
}

async function findDomain(orgId: string, domainId: string) {
  const row = await prisma.orgDomain.findFirst({ where: { id: domainId, orgId } });
  if (!row) throw new NotFoundError('Domain not found');
  return row;
}

/** Looks up the TXT record; verifies the domain when the expected value is there. */
export async function verifyDomainByDns(actor: Actor, orgId: string, domainId: string) {
  const access = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE);
  await requirePortalFeature(prisma, access, 'sso');
  const { org } = access;
  const row = await findDomain(org.id, domainId);
  if (row.verifiedAt) return row;
  const name = txtRecordName(row.domain);
  const expected = txtRecordValue(row.verificationToken);
  let records: string[] = [];
  try {
    records = (await resolver().resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ENOTFOUND' && code !== 'ENODATA') {
      throw new ValidationError(`DNS lookup of ${name} failed (${code ?? 'error'}). Try again in a few minutes.`);
    }
  }
  if (!records.includes(expected)) {
    throw new ValidationError(
      records.length
        ? `${name} has TXT records, but none is ${expected}. DNS changes can take a while to appear.`
        : `No TXT record found at ${name} yet. DNS changes can take a while to appear.`,
    );
  }
  return prisma.$transaction(async (tx) => {
    const saved = await tx.orgDomain.update({ where: { id: row.id }, data: { verifiedAt: new Date(), verifiedBy: 'dns' } });
    await recordAudit(tx, actor, { action: 'sso.domain_verify', target: { type: 'org_domain', id: row.id }, orgId: org.id, after: { domain: row.domain, method: 'dns' } });
    return saved;
  });
}

/** Vendor staff vouch for a domain (e.g. after checking a contract), no DNS needed. */
export async function approveDomain(actor: Actor, orgId: string, domainId: string) {
  assertStaffPermission(actor, 'sso.manage');
  const row = await findDomain(orgId, domainId);
  if (row.verifiedAt) return row;
  return prisma.$transaction(async (tx) => {
    const saved = await tx.orgDomain.update({ where: { id: row.id }, data: { verifiedAt: new Date(), verifiedBy: actor.userId ?? actor.label } });
    await recordAudit(tx, actor, { action: 'sso.domain_approve', target: { type: 'org_domain', id: row.id }, orgId, after: { domain: row.domain, method: 'staff' } });
    return saved;
  });
}

export async function removeDomain(actor: Actor, orgId: string, domainId: string) {
  const { org } = await authorizeOrg(prisma, actor, { id: orgId }, MANAGE);
  const row = await findDomain(org.id, domainId);
  await prisma.$transaction(async (tx) => {
    await tx.orgDomain.delete({ where: { id: row.id } });
    await recordAudit(tx, actor, {
      action: 'sso.domain_remove',
      target: { type: 'org_domain', id: row.id },
      orgId: org.id,
      before: { domain: row.domain, verifiedAt: row.verifiedAt, verifiedBy: row.verifiedBy },
    });
  });
}

/** The org whose verified domain this address is in, if any. */
export async function orgForEmail(email: string) {
  const domain = email.trim().toLowerCase().split('@')[1];
  if (!domain) return null;
  const row = await prisma.orgDomain.findFirst({ where: { domain, verifiedAt: { not: null } }, include: { org: true } });
  return row?.org ?? null;
}
