import { Download, Filter, X } from 'lucide-react';
import { buttonVariants } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';

export type AuditFilterValues = Partial<Record<'actor' | 'action' | 'target' | 'from' | 'to', string>>;

/**
 * The audit viewer's filters: a plain GET form, so the URL stays the state
 * (bookmarkable, works without JavaScript) and the export links carry
 * exactly the filters on screen.
 */
export function AuditFilters({ action, values, exportHref }: { action: string; values: AuditFilterValues; exportHref: (format: 'csv' | 'json') => string }) {
  const active = Object.values(values).some(Boolean);
  return (
    <form method="get" action={action} role="search" aria-label="Filter audit events" className="rounded-lg border border-border bg-card p-4 shadow-card">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(3,minmax(0,1fr))_10rem_10rem]">
        <Field id="audit-actor" label="Actor" name="actor" value={values.actor} placeholder="email, cli:user, system:…" />
        <Field id="audit-action" label="Action" name="action" value={values.action} placeholder="token.revoke or token.*" />
        <Field id="audit-target" label="Target" name="target" value={values.target} placeholder="type, id or type:id" />
        <Field id="audit-from" label="From" name="from" type="date" value={values.from} />
        <Field id="audit-to" label="To" name="to" type="date" value={values.to} />
      </div>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <button type="submit" className={buttonVariants({ size: 'sm' })}>
          <Filter aria-hidden="true" />
          Apply filters
        </button>
        {active ? (
          <a href={action} className={buttonVariants({ variant: 'ghost', size: 'sm', className: 'text-muted-foreground' })}>
            <X aria-hidden="true" />
            Clear
          </a>
        ) : null}
        <div className="flex items-center gap-2 sm:ml-auto">
          <span className="text-sm text-muted-foreground">{active ? 'Export these events:' : 'Export all events:'}</span>
          <a href={exportHref('csv')} download className={buttonVariants({ variant: 'secondary', size: 'sm' })}>
            <Download aria-hidden="true" />
            CSV
          </a>
          <a href={exportHref('json')} download className={buttonVariants({ variant: 'secondary', size: 'sm' })}>
            <Download aria-hidden="true" />
            JSON
          </a>
        </div>
      </div>
    </form>
  );
}

function Field({ id, label, name, value, placeholder, type = 'text' }: { id: string; label: string; name: string; value?: string; placeholder?: string; type?: string }) {
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} name={name} type={type} defaultValue={value ?? ''} placeholder={placeholder} autoComplete="off" spellCheck={false} />
    </div>
  );
}
