import { Badge } from '@/components/ui/badge';
import { tierLabel } from '@/lib/plans/tiers';
import { LICENSE_STATUS_LABELS, statusTone, type LicenseStatus } from '@/lib/product/licensing/status';

export function LicenseStatusBadge({ status }: { status: LicenseStatus }) {
  return (
    <Badge tone={statusTone(status)} dot>
      {LICENSE_STATUS_LABELS[status]}
    </Badge>
  );
}

export function TierBadge({ tier }: { tier: string }) {
  return <Badge tone={tier === 'enterprise' ? 'accent' : tier === 'team' ? 'info' : 'neutral'}>{tierLabel(tier)}</Badge>;
}
