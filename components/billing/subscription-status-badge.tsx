import { StatusBadge, type StatusStyle } from '@/components/ui/status-badge';

const STATUS: Record<string, StatusStyle> = {
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
  return <StatusBadge status={status} styles={STATUS} />;
}
