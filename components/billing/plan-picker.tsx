'use client';

import { Check } from 'lucide-react';
import { useActionState, useState } from 'react';
import { FormError } from '@/components/forms';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import type { ActionState } from '@/lib/platform/action-result';
import { formatMoney } from '@/lib/product/billing/money';

export type PlanOption = {
  tier: string;
  name: string;
  description: string;
  highlights: string[];
  /** Higher is more: an upgrade from the current plan or a switch down. */
  rank: number;
  prices: Partial<Record<'month' | 'year', { amount: number; currency: string }>>;
};

export type PlanPickerProps = {
  org: string;
  plans: PlanOption[];
  /** The free tier's card. */
  free: { name: string; description: string; highlights: string[] };
  currentTier: string;
  currentRank: number;
  /** From ?upgrade=<tier>: the plan a gated feature needs. */
  preselect: string | null;
  /** May start Checkout (billing.manage, billing configured, no live subscription, no manual tier). */
  canBuy: boolean;
  /** Why buying is not offered, shown instead of the buttons. */
  blockedReason: string | null;
  checkoutAction: (state: ActionState, formData: FormData) => Promise<ActionState>;
};

export function PlanPicker({ org, plans, free, currentTier, currentRank, preselect, canBuy, blockedReason, checkoutAction }: PlanPickerProps) {
  const [interval, setInterval] = useState<'month' | 'year'>('month');
  const [state, action, pending] = useActionState(checkoutAction, null);
  const anyYearly = plans.some((plan) => plan.prices.year);

  return (
    <div className="space-y-4">
      {anyYearly ? (
        <fieldset className="inline-flex rounded-lg border border-border bg-subtle p-1 text-sm" aria-label="Billing period">
          {(['month', 'year'] as const).map((value) => (
            <label
              key={value}
              className={cn(
                'cursor-pointer rounded-md px-3 py-1.5 font-medium text-muted-foreground has-[:checked]:bg-background has-[:checked]:text-foreground has-[:checked]:shadow-xs has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring',
              )}
            >
              <input type="radio" name="interval-choice" value={value} checked={interval === value} onChange={() => setInterval(value)} className="sr-only" />
              {value === 'month' ? 'Monthly' : 'Yearly'}
            </label>
          ))}
        </fieldset>
      ) : null}
      <FormError state={state} />
      <div className="grid gap-4 lg:grid-cols-3">
        <PlanCard name={free.name} description={free.description} price="Free" highlights={free.highlights} current={currentTier === 'community'} highlighted={false} />
        {plans.map((plan) => {
          const price = plan.prices[interval] ?? null;
          const current = currentTier === plan.tier;
          const highlighted = preselect === plan.tier && !current;
          const isUpgrade = plan.rank > currentRank;
          return (
            <PlanCard
              key={plan.tier}
              name={plan.name}
              description={plan.description}
              price={price ? formatMoney(price.amount, price.currency, { trimZeroCents: true }) : 'Contact sales'}
              per={price ? (interval === 'month' ? 'per month' : 'per year') : null}
              highlights={plan.highlights}
              current={current}
              highlighted={highlighted}
            >
              {current ? null : price && canBuy ? (
                <form action={action}>
                  <input type="hidden" name="org" value={org} />
                  <input type="hidden" name="tier" value={plan.tier} />
                  <input type="hidden" name="interval" value={interval} />
                  <Button type="submit" className="w-full" variant={highlighted || isUpgrade ? 'primary' : 'secondary'} loading={pending} autoFocus={highlighted}>
                    {isUpgrade ? `Upgrade to ${plan.name}` : `Switch to ${plan.name}`}
                  </Button>
                </form>
              ) : (
                <p className="text-sm text-muted-foreground">{price ? blockedReason : 'Talk to your account manager or our sales team for a quote.'}</p>
              )}
            </PlanCard>
          );
        })}
      </div>
    </div>
  );
}

function PlanCard({
  name,
  description,
  price,
  per,
  highlights,
  current,
  highlighted,
  children,
}: {
  name: string;
  description: string;
  price: string;
  per?: string | null;
  highlights: string[];
  current: boolean;
  highlighted: boolean;
  children?: React.ReactNode;
}) {
  return (
    <section
      aria-label={`${name} plan`}
      className={cn(
        'flex flex-col rounded-lg border bg-card p-5 shadow-card',
        highlighted ? 'border-primary ring-2 ring-primary/30' : 'border-border',
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-base font-semibold">{name}</h3>
        {current ? <Badge tone="success">Current plan</Badge> : highlighted ? <Badge tone="accent">Needed for this feature</Badge> : null}
      </div>
      <p className="mt-1 text-sm text-muted-foreground">{description}</p>
      <p className="mt-4">
        <span className="text-2xl font-semibold tabular-nums">{price}</span>
        {per ? <span className="ml-1 text-sm text-muted-foreground">{per}</span> : null}
      </p>
      <ul className="mt-4 flex-1 space-y-2 text-sm">
        {highlights.map((item) => (
          <li key={item} className="flex gap-2">
            <Check className="mt-0.5 size-4 shrink-0 text-success" aria-hidden="true" />
            {item}
          </li>
        ))}
      </ul>
      {children ? <div className="mt-5">{children}</div> : null}
    </section>
  );
}
