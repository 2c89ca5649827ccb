import { Badge, type Tone } from '@/components/ui/badge';

const STATUS: Record<string, { label: string; tone: Tone }> = {
  active: { label: 'Active', tone: 'success' },
  trialing: { label: 'Trial', tone: 'info' },
  past_due: { label: 'Payment overdue', tone: 'warning' },
  unpaid: { label: 'Unpaid', tone: 'danger' },
  canceled: { label: 'Canceled', tone: 'neutral' },
  incomplete: { label: 'Incomplete', tone: 'warning' },
  incomplete_expired: { label: 'Expired', tone: 'neutral' },
  paused: { label: 'Paused', tone: 'neutral' },
};

/** A Stripe subscription status as people read it. */
export function SubscriptionStatusBadge({ status }: { status: string }) {
  const known = STATUS[status];
  return (
    <Badge tone={known?.tone ?? 'neutral'} dot>
      {known?.label ?? status}
    </Badge>
  );
}
