import 'server-only';
import { DAY } from '@/lib/platform/time';

export type LicenseStatus = 'active' | 'expiring' | 'grace' | 'expired' | 'revoked' | 'superseded' | 'scheduled';

export const LICENSE_STATUS_LABELS: Record<LicenseStatus, string> = {
  active: 'Active',
  expiring: 'Expiring soon',
  grace: 'In grace period',
  expired: 'Expired',
  revoked: 'Revoked',
  superseded: 'Re-issued',
  scheduled: 'Not yet valid',
};

/** A license's state for lists and badges; "expiring" within 30 days. */
export function licenseStatus(
  license: { notBefore: Date; expiresAt: Date; graceDays: number; revokedAt: Date | null; replacedById?: string | null },
  now = new Date(),
): LicenseStatus {
  if (license.revokedAt) return license.replacedById ? 'superseded' : 'revoked';
  if (license.notBefore > now) return 'scheduled';
  const left = license.expiresAt.getTime() - now.getTime();
  if (left > 30 * DAY) return 'active';
  if (left > 0) return 'expiring';
  return left + license.graceDays * DAY > 0 ? 'grace' : 'expired';
}

export function statusTone(status: LicenseStatus): 'success' | 'warning' | 'danger' | 'neutral' | 'info' {
  switch (status) {
    case 'active':
      return 'success';
    case 'expiring':
    case 'grace':
      return 'warning';
    case 'expired':
    case 'revoked':
      return 'danger';
    case 'scheduled':
      return 'info';
    default:
      return 'neutral';
  }
}
