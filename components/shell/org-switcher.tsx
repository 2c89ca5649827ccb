import { Check, ChevronsUpDown } from 'lucide-react';
import Link from 'next/link';
import { useId } from 'react';
import { Badge } from '@/components/ui/badge';
import { cn } from '@/components/ui/cn';

export type OrgSwitcherProps = {
  org: { slug: string; name: string; tier: string };
  orgs: readonly { slug: string; name: string }[];
};

export function TierBadge({ tier }: { tier: string }) {
  const label = tier ? tier[0]!.toUpperCase() + tier.slice(1) : 'Unknown';
  return <Badge tone={tier === 'community' || tier === 'free' ? 'neutral' : 'accent'}>{label}</Badge>;
}

/** The current organization; a switcher (Popover API, no client JS) when the user belongs to several. */
export function OrgSwitcher({ org, orgs }: OrgSwitcherProps) {
  const id = `org-switcher${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const summary = (
    <>
      <span className="flex size-8 shrink-0 items-center justify-center rounded-md border border-border bg-background text-xs font-semibold text-foreground shadow-xs" aria-hidden="true">
        {org.name.slice(0, 1).toUpperCase()}
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-semibold text-foreground">{org.name}</span>
        <span className="mt-0.5 block">
          <TierBadge tier={org.tier} />
        </span>
      </span>
    </>
  );

  if (orgs.length <= 1) return <div className="flex items-center gap-2.5 rounded-md p-1.5">{summary}</div>;

  return (
    <>
      <button type="button" popoverTarget={id} className="flex w-full items-center gap-2.5 rounded-md p-1.5 text-left transition-colors hover:bg-muted">
        <span className="sr-only">Switch organization. Current: </span>
        {summary}
        <ChevronsUpDown className="size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
      </button>
      <div
        id={id}
        popover="auto"
        className={cn(
          'fixed inset-auto top-28 left-3 m-0 w-64 rounded-lg border border-border bg-popover p-1 text-popover-foreground shadow-popover',
          'transition-[opacity,translate] duration-150 starting:open:-translate-y-1 starting:open:opacity-0',
        )}
      >
        <p className="px-2 pt-1.5 pb-1 text-xs font-medium text-muted-foreground">Organizations</p>
        <ul>
          {orgs.map((item) => {
            const current = item.slug === org.slug;
            return (
              <li key={item.slug}>
                <Link
                  href={`/portal/${encodeURIComponent(item.slug)}`}
                  aria-current={current ? 'true' : undefined}
                  className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-muted"
                >
                  <span className="min-w-0 flex-1 truncate">{item.name}</span>
                  {current ? <Check className="size-4 text-primary" aria-hidden="true" /> : null}
                </Link>
              </li>
            );
          })}
        </ul>
      </div>
    </>
  );
}
