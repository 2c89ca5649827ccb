import { Badge, type Tone } from '@/components/ui/badge';
import { tierLabel } from '@/lib/features/tiers';
import { daysUntil, formatDate } from '@/lib/format';
import type { TokenStatus } from '@/lib/registry/tokens';

const STATUS_TONES: Record<string, Tone> = { active: 'success', suspended: 'warning', deactivated: 'neutral' };

export function CustomerStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={STATUS_TONES[status] ?? 'neutral'} dot>
      {status[0]!.toUpperCase() + status.slice(1)}
    </Badge>
  );
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

const TOKEN_STATUS: Record<TokenStatus, { label: string; tone: Tone }> = {
  active: { label: 'Active', tone: 'success' },
  expiring: { label: 'Expiring', tone: 'warning' },
  expiring_soon: { label: 'Expiring soon', tone: 'danger' },
  expired: { label: 'Expired', tone: 'neutral' },
  revoked: { label: 'Revoked', tone: 'neutral' },
  rotating: { label: 'Rotating out', tone: 'info' },
};

export function TokenStatusBadge({ status }: { status: TokenStatus }) {
  const { label, tone } = TOKEN_STATUS[status];
  return (
    <Badge tone={tone} dot>
      {label}
    </Badge>
  );
}
