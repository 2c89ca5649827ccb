import Link from 'next/link';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { Select } from '@/components/ui/select';

const PRESETS = [7, 30, 90] as const;

/** Date range and customer: a plain GET form, so the URL holds the state and works without script. */
export function StatsFilter({
  customers,
  values,
  action = '/admin/stats',
}: {
  customers?: readonly { value: string; label: string }[];
  values: { from: string; to: string; customer?: string };
  action?: string;
}) {
  const customerParam = values.customer ? `&customer=${encodeURIComponent(values.customer)}` : '';
  return (
    <form method="get" action={action} className="mb-6 flex flex-wrap items-end gap-3 rounded-lg border border-border bg-card px-4 py-3 shadow-card" aria-label="Filter statistics">
      <div className="space-y-1">
        <Label htmlFor="stats-from">From</Label>
        <Input id="stats-from" name="from" type="date" defaultValue={values.from} className="w-40" />
      </div>
      <div className="space-y-1">
        <Label htmlFor="stats-to">To</Label>
        <Input id="stats-to" name="to" type="date" defaultValue={values.to} className="w-40" />
      </div>
      {customers ? (
        <div className="space-y-1">
          <Label htmlFor="stats-customer">Customer</Label>
          <Select id="stats-customer" name="customer" defaultValue={values.customer ?? ''} placeholder="All customers" options={customers} wrapperClassName="w-56" />
        </div>
      ) : null}
      <Button type="submit" variant="secondary">
        Apply
      </Button>
      <nav aria-label="Quick ranges" className="ml-auto flex items-center gap-1 text-sm">
        {PRESETS.map((days) => (
          <Link key={days} href={`${action}?days=${days}${customerParam}`} className={cn('rounded-md px-2.5 py-1.5 text-muted-foreground hover:bg-muted hover:text-foreground')}>
            Last {days} days
          </Link>
        ))}
      </nav>
    </form>
  );
}
