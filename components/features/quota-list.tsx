import { cn } from '@/components/ui/cn';
import type { QuotaStatus } from '@/lib/plans/quotas';

const bar = { ok: 'bg-primary', warning: 'bg-warning', exceeded: 'bg-danger' } as const;

/** Usage against each quota as labelled bars; warning and limit states spelled out, not only coloured. */
export function QuotaList({ quotas, className }: { quotas: QuotaStatus[]; className?: string }) {
  return (
    <ul className={cn('space-y-4', className)}>
      {quotas.map((q) => {
        const percent = q.limit === null ? 0 : q.limit === 0 ? 100 : Math.min(100, Math.round((q.used / q.limit) * 100));
        return (
          <li key={q.key} className="space-y-1.5">
            <div className="flex items-baseline justify-between gap-4 text-sm">
              <span className="font-medium">{q.label}</span>
              <span className="text-muted-foreground tabular-nums">
                {q.used.toLocaleString('en-US')} / {q.limit === null ? 'unlimited' : q.limit.toLocaleString('en-US')} {q.unit}
                {q.level === 'warning' ? <span className="ml-2 font-medium text-warning-strong">· {percent}% used</span> : null}
                {q.level === 'exceeded' ? <span className="ml-2 font-medium text-danger-strong">· limit reached</span> : null}
              </span>
            </div>
            {q.limit !== null ? (
              <div
                className="h-2 overflow-hidden rounded-full bg-muted"
                role="meter"
                aria-label={`${q.label} used`}
                aria-valuemin={0}
                aria-valuemax={q.limit}
                aria-valuenow={Math.min(q.used, q.limit)}
              >
                <div className={cn('h-full rounded-full', bar[q.level])} style={{ width: `${percent}%` }} />
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
