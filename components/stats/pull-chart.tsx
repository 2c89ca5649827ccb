'use client';

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type PullSeriesPoint = { day: string; pulls: number; denials: number };

const shortDay = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const label = (day: string) => shortDay.format(new Date(`${day}T00:00:00Z`));

/**
 * Monotone in x (d3-shape's curveMonotoneX), named outright rather than as
 * "monotone", which recharts resolves by layout: the curve never overshoots
 * its points, so a day with no pulls next to a busy one stays at zero.
 */
export const PULL_CURVE = 'monotoneX' as const;

/** Pulls and denials per day. */
export function PullChart({ series }: { series: readonly PullSeriesPoint[] }) {
  return (
    <div className="h-64 w-full" role="img" aria-label={`Pulls and denials per day, ${series.length} days`}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={series as PullSeriesPoint[]} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <defs>
            <linearGradient id="pulls-fill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor="var(--primary)" stopOpacity={0.25} />
              <stop offset="100%" stopColor="var(--primary)" stopOpacity={0.02} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="day" tickFormatter={label} tick={{ fontSize: 12, fill: 'var(--muted-foreground)' }} tickLine={false} axisLine={false} minTickGap={24} />
          <YAxis allowDecimals={false} domain={[0, 'auto']} tick={{ fontSize: 12, fill: 'var(--muted-foreground)' }} tickLine={false} axisLine={false} />
          <Tooltip
            labelFormatter={(value) => label(String(value))}
            contentStyle={{ borderRadius: 8, border: '1px solid var(--border)', fontSize: 13, background: 'var(--popover)', color: 'var(--popover-foreground)' }}
          />
          <Legend iconType="circle" wrapperStyle={{ fontSize: 13 }} />
          <Area type={PULL_CURVE} baseValue={0} dataKey="pulls" name="Pulls" stroke="var(--primary)" strokeWidth={2} fill="url(#pulls-fill)" isAnimationActive={false} />
          <Area type={PULL_CURVE} baseValue={0} dataKey="denials" name="Denied" stroke="var(--danger)" strokeWidth={2} fill="transparent" isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

