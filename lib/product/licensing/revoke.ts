import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { ConflictError, NotFoundError } from '@/lib/platform/errors';
import { assertStaffPermission, authorizeOrg } from '@/lib/identity/rbac/authorize';
import { licenseInclude, licenseView, syncOrgExpiry } from './license-row';

export const revokeLicenseSchema = z.object({
  licenseId: z.string().min(1),
  reason: z.string().trim().min(3, 'Say why the license is revoked.').max(200, 'Use at most 200 characters.'),
});

/** Revokes a license for a stated reason (staff); it lands on the signed revocation list. */
export async function revokeLicense(actor: Actor, input: z.input<typeof revokeLicenseSchema>, now = new Date()) {
  assertStaffPermission(actor, 'licenses.revoke');
  const data = revokeLicenseSchema.parse(input);
  return prisma.$transaction(async (tx) => {
    const license = await tx.licenseKey.findUnique({ where: { id: data.licenseId }, include: licenseInclude });
    if (!license) throw new NotFoundError('License not found');
    await authorizeOrg(tx, actor, { id: license.orgId }, { staff: 'licenses.revoke' });
    if (license.revokedAt) throw new ConflictError(`This license was already revoked on ${license.revokedAt.toISOString().slice(0, 10)}.`);
    const row = await tx.licenseKey.update({ where: { id: license.id }, data: { revokedAt: now, revokedReason: data.reason }, include: licenseInclude });
    await syncOrgExpiry(tx, license.orgId, now);
    await recordAudit(tx, actor, {
      action: 'license.revoke',
      target: { type: 'license', id: license.id },
      orgId: license.orgId,
      before: { revokedAt: null },
      after: { revokedAt: now, revokedReason: data.reason },
      metadata: { jti: license.jti },
    });
    return licenseView(row, now);
  });
}
