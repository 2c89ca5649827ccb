import { Badge } from '@/components/ui/badge';
import { describeDenial, type FeatureDecision } from '@/lib/features/decide';
import { formatDate } from '@/lib/format';

/** Every feature with whether the org has it and, if not, why: what decideFeature answers, in words. */
export function FeatureDecisionList({ decisions }: { decisions: FeatureDecision[] }) {
  return (
    <ul className="divide-y divide-border">
      {decisions.map((d) => (
        <li key={d.feature} className="flex flex-col gap-1 py-2 text-sm sm:flex-row sm:items-center sm:justify-between">
          <span className="font-medium">{d.label}</span>
          {d.allowed ? (
            <span className="flex items-center gap-2">
              {d.via === 'override' ? <span className="text-xs text-muted-foreground">override{d.overrideExpiresAt ? ` until ${formatDate(d.overrideExpiresAt)}` : ''}</span> : null}
              <Badge tone="success" dot>
                Included
              </Badge>
            </span>
          ) : (
            <span className="flex items-center gap-2 sm:max-w-[60%] sm:text-right">
              <span className="text-xs text-muted-foreground">{describeDenial(d.label, d.reason)}</span>
              <Badge tone={d.reason.code === 'tier_required' ? 'neutral' : 'warning'}>Locked</Badge>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
