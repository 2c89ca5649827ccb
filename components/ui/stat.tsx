import { ArrowDownRight, ArrowRight, ArrowUpRight } from 'lucide-react';
import type { ReactNode } from 'react';
import { cn } from './cn';

export type StatTrend = {
  /** e.g. "+12%" */
  value: string;
  direction: 'up' | 'down' | 'flat';
  /** Whether this direction is good news; decides the color (fewer denied pulls going down is good). */
  positive?: boolean;
  /** Read after the value, e.g. "vs last week". */
  label?: string;
};

export type StatProps = { label: ReactNode; value: ReactNode; hint?: ReactNode; trend?: StatTrend; className?: string };

/** A KPI tile. */
export function Stat({ label, value, hint, trend, className }: StatProps) {
  const TrendIcon = trend?.direction === 'up' ? ArrowUpRight : trend?.direction === 'down' ? ArrowDownRight : ArrowRight;
  const trendColor =
    trend?.direction === 'flat' || trend?.positive === undefined ? 'text-muted-foreground' : trend.positive ? 'text-success-strong' : 'text-danger-strong';
  return (
    <div className={cn('rounded-lg border border-border bg-card px-5 py-4 shadow-card', className)}>
      <dl>
        <dt className="text-[13px] font-medium text-muted-foreground">{label}</dt>
        <dd className="mt-1.5 text-2xl leading-8 font-semibold tracking-tight text-foreground tabular-nums">{value}</dd>
        {hint || trend ? (
          <dd className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-0.5 text-[13px] text-muted-foreground">
            {trend ? (
              <span className={cn('inline-flex items-center gap-0.5 font-medium tabular-nums', trendColor)}>
                <TrendIcon className="size-3.5" aria-hidden="true" />
                <span>
                  <span className="sr-only">{trend.direction === 'up' ? 'Up ' : trend.direction === 'down' ? 'Down ' : 'Unchanged '}</span>
                  {trend.value}
                </span>
                {trend.label ? <span className="font-normal text-muted-foreground">{trend.label}</span> : null}
              </span>
            ) : null}
            {hint ? <span>{hint}</span> : null}
          </dd>
        ) : null}
      </dl>
    </div>
  );
}
