import { Badge, type Tone } from '@/components/ui/badge';
import { StatusBadge, type StatusStyle } from '@/components/ui/status-badge';
import { tierLabel } from '@/lib/plans/tiers';
import { daysUntil, formatDate } from '@/lib/platform/format';
import type { TokenStatus } from '@/lib/product/registry/tokens';

const CUSTOMER_STATUS: Record<string, StatusStyle> = {
  active: { label: 'Active', tone: 'success' },
  suspended: { label: 'Suspended', tone: 'warning' },
  deactivated: { label: 'Deactivated', tone: 'neutral' },
};

export function CustomerStatusBadge({ status }: { status: string }) {
  return <StatusBadge status={status} styles={CUSTOMER_STATUS} fallback={(s) => s[0]!.toUpperCase() + s.slice(1)} />;
}

export function TierBadge({ tier }: { tier: string }) {
  return <Badge tone={tier === 'enterprise' ? 'accent' : tier === 'team' ? 'info' : 'neutral'}>{tierLabel(tier)}</Badge>;
}

/** A date with a warning badge when it is within 30 days (danger within 7, or past). */
export function ExpiryDate({ value, now = new Date(), empty = 'No expiry' }: { value: Date | null; now?: Date; empty?: string }) {
  if (!value) return <span className="text-muted-foreground">{empty}</span>;
  const days = daysUntil(value, now);
  return (
    <span className="inline-flex items-center gap-2 tabular-nums">
      <time dateTime={value.toISOString()}>{formatDate(value)}</time>
      {value <= now ? (
        <Badge tone="danger">expired</Badge>
      ) : days < 30 ? (
        <Badge tone={days < 7 ? 'danger' : 'warning'}>{days === 0 ? 'today' : `${days} day${days === 1 ? '' : 's'} left`}</Badge>
      ) : null}
    </span>
  );
}

/** How urgent each token status is; the same for staff and for customers, who read different words for it. */
const TOKEN_STATUS_TONES: Record<TokenStatus, Tone> = {
  active: 'success',
  expiring: 'warning',
  expiring_soon: 'danger',
  expired: 'neutral',
  revoked: 'neutral',
  rotating: 'info',
};

/** The staff wording; the customer portal passes its own. */
const TOKEN_STATUS_LABELS: Record<TokenStatus, string> = {
  active: 'Active',
  expiring: 'Expiring',
  expiring_soon: 'Expiring soon',
  expired: 'Expired',
  revoked: 'Revoked',
  rotating: 'Rotating out',
};

export function TokenStatusBadge({ status, labels = TOKEN_STATUS_LABELS, dot = true }: { status: TokenStatus; labels?: Record<TokenStatus, string>; dot?: boolean }) {
  return (
    <Badge tone={TOKEN_STATUS_TONES[status]} dot={dot}>
      {labels[status]}
    </Badge>
  );
}
