import 'server-only';
import { z } from 'zod';
import { recordAudit } from '@/lib/identity/audit/record';
import type { Actor } from '@/lib/identity/auth/actor';
import { prisma } from '@/lib/platform/db/client';
import { NotFoundError } from '@/lib/platform/errors';
import { assertStaffPermission } from '@/lib/identity/rbac/authorize';
import { announceRegistryChange } from '@/lib/product/registry/credentials';
import { customerLimitOverrides } from '@/lib/plans/limits';
import { LIMIT_KEYS, type Limits } from '@/lib/plans/tiers';

/**
 * Limits and thresholds staff set for one customer, over the tier's and the
 * license's (billing.manage: what a customer may use is billing's call).
 * Blank means "the default" (the override is removed), `unlimited` lifts
 * the limit. Audited with the reason; the gateways hear it at once.
 */

const limitField = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): number | null | undefined => {
    if (value === undefined || value === '') return undefined;
    if (value.toLowerCase() === 'unlimited') return null;
    if (!/^\d{1,9}$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'Enter a whole number, "unlimited", or leave it blank for the default.' });
      return z.NEVER;
    }
    return Number(value);
  });

const optionalInt = (min: number, max: number, message: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): number | null => {
      if (value === undefined || value === '') return null;
      const number = Number(value);
      if (!Number.isInteger(number) || number < min || number > max) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return number;
    });

export const customerQuotaSchema = z.object({
  orgId: z.string().min(1),
  seats: limitField,
  nodes: limitField,
  pulls_per_month: limitField,
  api_calls_per_month: limitField,
  /** Percent of a quota at which admins and staff are warned (blank: the setting). */
  warningPercent: optionalInt(1, 100, 'Enter a percentage from 1 to 100, or leave it blank.'),
  /** Pulls allowed past the monthly limit, in percent of it (blank: the setting). */
  pullGracePercent: optionalInt(0, 1000, 'Enter a percentage from 0 to 1000, or leave it blank.'),
  reason: z.string().trim().min(3, 'Say why (at least 3 characters): the customer’s contract, a trial, …').max(200, 'Use at most 200 characters.'),
});
export type CustomerQuotaInput = z.input<typeof customerQuotaSchema>;

/** The form's fields as sent (strings); setCustomerQuotas parses them with customerQuotaSchema. */
export const customerQuotaFormSchema = z.object({
  orgId: z.string().min(1),
  seats: z.string().optional(),
  nodes: z.string().optional(),
  pulls_per_month: z.string().optional(),
  api_calls_per_month: z.string().optional(),
  warningPercent: z.string().optional(),
  pullGracePercent: z.string().optional(),
  reason: z.string(),
});

export async function getCustomerQuotas(actor: Actor, orgId: string) {
  assertStaffPermission(actor, 'customers.view');
  const org = await prisma.organization.findUnique({ where: { id: orgId }, select: { quotaLimits: true, quotaWarningThreshold: true, pullGracePercent: true } });
  if (!org) throw new NotFoundError('Customer not found');
  return { limits: customerLimitOverrides(org.quotaLimits), warningThreshold: org.quotaWarningThreshold, pullGracePercent: org.pullGracePercent };
}

export async function setCustomerQuotas(actor: Actor, input: CustomerQuotaInput) {
  assertStaffPermission(actor, 'billing.manage');
  const data = customerQuotaSchema.parse(input);
  const limits: Partial<Limits> = {};
  for (const key of LIMIT_KEYS) if (data[key] !== undefined) limits[key] = data[key];
  const warningThreshold = data.warningPercent === null ? null : data.warningPercent / 100;
  return prisma.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ quota_limits: unknown; quota_warning_threshold: number | null; pull_grace_percent: number | null }[]>`
      SELECT quota_limits, quota_warning_threshold, pull_grace_percent FROM organizations WHERE id = ${data.orgId} FOR UPDATE`;
    if (!before) throw new NotFoundError('Customer not found');
    const saved = await tx.organization.update({
      where: { id: data.orgId },
      data: { quotaLimits: Object.keys(limits).length ? limits : undefined, quotaWarningThreshold: warningThreshold, pullGracePercent: data.pullGracePercent },
      select: { id: true, quotaLimits: true, quotaWarningThreshold: true, pullGracePercent: true },
    });
    if (!Object.keys(limits).length) await tx.$executeRaw`UPDATE organizations SET quota_limits = NULL WHERE id = ${data.orgId}`;
    await recordAudit(tx, actor, {
      action: 'quota.update',
      target: { type: 'organization', id: data.orgId },
      orgId: data.orgId,
      before: { limits: customerLimitOverrides(before.quota_limits), warningThreshold: before.quota_warning_threshold, pullGracePercent: before.pull_grace_percent },
      after: { limits, warningThreshold, pullGracePercent: data.pullGracePercent },
      metadata: { reason: data.reason },
    });
    // The gateways read the customer's quota again on their next request.
    await announceRegistryChange(tx, { kind: 'org', orgId: data.orgId });
    return { ...saved, limits };
  });
}
