import { Badge } from '@/components/ui/badge';
import { describeDenial, type DenialReason, type FeatureDecision } from '@/lib/plans/decide';
import { tierLabel } from '@/lib/plans/tiers';
import { formatDate } from '@/lib/platform/format';

function shortReason(reason: DenialReason): string {
  switch (reason.code) {
    case 'tier_required':
      return `${tierLabel(reason.requiredTier)} plan`;
    case 'override_expired':
      return `Ended ${formatDate(reason.expiredAt)}`;
    case 'disabled':
      return 'Turned off';
    case 'license_expired':
      return 'License expired';
    case 'quota_exceeded':
      return 'Limit reached';
    case 'unknown_feature':
      return 'Unknown';
  }
}

/** Every feature with whether the org has it and, if not, the short reason (the full sentence on hover and for screen readers). */
export function FeatureDecisionList({ decisions }: { decisions: FeatureDecision[] }) {
  return (
    <ul className="divide-y divide-border">
      {decisions.map((d) => (
        <li key={d.feature} className="flex items-center justify-between gap-3 py-2 text-sm">
          <span className="font-medium">{d.label}</span>
          {d.allowed ? (
            <span className="flex items-center gap-2">
              {d.via === 'override' ? <span className="text-xs text-muted-foreground">override{d.overrideExpiresAt ? ` until ${formatDate(d.overrideExpiresAt)}` : ''}</span> : null}
              <Badge tone="success" dot>
                Included
              </Badge>
            </span>
          ) : (
            <span title={describeDenial(d.label, d.reason)}>
              <span className="sr-only">{describeDenial(d.label, d.reason)}</span>
              <Badge tone={d.reason.code === 'tier_required' ? 'neutral' : 'warning'} aria-hidden="true">
                {shortReason(d.reason)}
              </Badge>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
