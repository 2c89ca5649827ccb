import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { Stat } from '@/components/ui/stat';
import { formatCount as number, formatDateTime, formatRelative } from '@/lib/platform/format';
import type { PullStats } from '@/lib/product/stats/pull-stats';
import { PullChart } from './pull-chart';

/** Totals and the per-day chart: the top of the staff statistics and of a customer's pull activity. */
export function PullSummary({ stats, third }: { stats: PullStats; third: { label: string; value: number } }) {
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="Pulls" value={number(stats.totals.pulls)} hint={`${number(stats.totals.successfulRequests)} manifest requests`} />
        <Stat label="Denied requests" value={number(stats.totals.denials)} hint={stats.totals.errors ? `${number(stats.totals.errors)} not found or upstream errors` : undefined} />
        <Stat label={third.label} value={number(third.value)} />
        <Stat label="Last pull" value={stats.totals.lastPullAt ? formatRelative(stats.totals.lastPullAt) : 'never'} hint={stats.totals.lastPullAt ? formatDateTime(stats.totals.lastPullAt) : undefined} />
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Pulls per day</CardTitle>
          <CardDescription>Successful pulls and denied requests, UTC days.</CardDescription>
        </CardHeader>
        <CardContent>
          <PullChart series={stats.series} />
        </CardContent>
      </Card>
    </>
  );
}
